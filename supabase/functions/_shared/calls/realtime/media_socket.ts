/**
 * The twilio-media WebSocket: checks Twilio's signature on the handshake (403 otherwise, before
 * any upgrade), upgrades, and feeds Twilio's messages to a bridge, one at a time, in order.
 */
import type { Runtime } from '../../runtime/runtime.ts';
import { isValidSignature } from '../../twilio/signature.ts';
import { parseStreamMessage } from '../../twilio/media_streams.ts';
import { webhookUrls } from '../urls.ts';
import { RealtimeBridge } from './bridge.ts';
import { openRealtime } from './link.ts';

declare const EdgeRuntime: { waitUntil(p: Promise<unknown>): void } | undefined;

/** The session limit (REALTIME_SESSION_LIMIT_S, default 120 s: Supabase's free plan ends a request at 150 s). */
function sessionLimitMs(env: Record<string, string | undefined>): number {
  const s = Number(env.REALTIME_SESSION_LIMIT_S ?? 120);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 120_000;
}

export async function acceptMediaStream(rt: Runtime, req: Request): Promise<Response> {
  // Twilio signs the socket's URL as it connected to it, with no form parameters.
  const url = `${webhookUrls(rt.config.publicFunctionsUrl).mediaStream()}${new URL(req.url).search}`;
  const signature = req.headers.get('x-twilio-signature');
  if (!(await isValidSignature(rt.config.twilioAuthToken, signature, url, []))) {
    rt.log.warn('media stream handshake signature rejected', { signed: signature !== null });
    return new Response('invalid Twilio signature', { status: 403 });
  }
  const { socket, response } = Deno.upgradeWebSocket(req);
  const bridge = new RealtimeBridge(rt, {
    send: (m) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(m);
    },
    close: () => {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, 'stream ended');
    },
  }, { open: (model) => openRealtime(rt.config.env, model), sessionLimitMs: sessionLimitMs(rt.config.env),
    idleTimeoutMs: 6000 });
  let queue: Promise<void> = Promise.resolve();
  socket.onmessage = (e) => {
    const ev = parseStreamMessage(e.data);
    if (ev.event === 'ignored') return;
    queue = queue.then(() => bridge.handle(ev)).catch((err) =>
      rt.log.error('media stream message failed', { error: err instanceof Error ? err.name : 'error' }));
  };
  const closed = new Promise<void>((resolve) => {
    socket.onclose = () => {
      queue.then(() => bridge.closed()).finally(resolve);
    };
  });
  // Keeps a Supabase worker alive for the socket's life (absent under plain Deno).
  if (typeof EdgeRuntime !== 'undefined') EdgeRuntime.waitUntil(closed);
  return response;
}
