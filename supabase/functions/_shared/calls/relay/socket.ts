/**
 * Accepting ConversationRelay's WebSocket: the handshake must carry a valid X-Twilio-Signature
 * (signed over the wss URL with its query, no parameters), else 403 and no socket. The session
 * runs until the socket closes; on Supabase, EdgeRuntime.waitUntil keeps the worker alive for it.
 */
import type { Runtime } from '../../runtime/runtime.ts';
import { isValidSignature } from '../../twilio/signature.ts';
import { relaySocketUrl } from '../../twilio/relay.ts';
import { RelaySession } from './session.ts';
import { relayTimingsFrom } from './timing.ts';

export function isWebSocketUpgrade(req: Request): boolean {
  return req.method === 'GET' && (req.headers.get('upgrade') ?? '').toLowerCase() === 'websocket';
}

/** The wss URL Twilio connected to, as it signed it: our public relay URL plus the request's query. */
export function signedSocketUrl(publicBase: string, req: Request): string {
  const query = Object.fromEntries(new URL(req.url).searchParams);
  return relaySocketUrl(publicBase, query);
}

declare const EdgeRuntime: { waitUntil(p: Promise<unknown>): void } | undefined;

export async function acceptRelaySocket(rt: Runtime, req: Request): Promise<Response> {
  const signature = req.headers.get('x-twilio-signature');
  if (!(await isValidSignature(rt.config.twilioAuthToken, signature, signedSocketUrl(rt.config.publicFunctionsUrl, req), []))) {
    rt.log.warn('webhook signature rejected', { function: 'twilio-relay', signed: signature !== null });
    return new Response('invalid Twilio signature', { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  const session = new RelaySession(rt, {
    send: (data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(data);
    },
    close: (code, reason) => socket.close(code, reason),
  }, relayTimingsFrom(rt.config.env));
  const closed = new Promise<void>((resolve) => {
    socket.onclose = () => {
      session.closed();
      resolve();
    };
  });
  socket.onmessage = (e) => session.handle(e.data);
  socket.onerror = () => rt.log.warn('relay socket error', {});
  // After the upgrade the isolate looks idle and may be retired early unless it is told to wait.
  if (typeof EdgeRuntime !== 'undefined') EdgeRuntime?.waitUntil(closed);
  return response;
}
