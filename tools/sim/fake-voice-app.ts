import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/** A request the fake app received, with whether its X-Twilio-Signature checked out. */
export type ReceivedRequest = { method: string; path: string; query: URLSearchParams; params: Record<string, string>; signatureValid: boolean };
/** A scripted answer: TwiML by default, or any status, content type and body, optionally late. */
export type ScriptedAnswer = string | { status?: number; contentType?: string; body: string; delayMs?: number };
/** Answers one request; `path` is without the query. */
export type Route = (request: ReceivedRequest) => ScriptedAnswer | Promise<ScriptedAnswer>;

/**
 * A stand-in for the voice functions, for testing the simulator: serves scripted TwiML per path
 * on 127.0.0.1 and checks every signature with the twilio library (the oracle).
 */
export async function startFakeVoiceApp(authToken: string, routes: Record<string, Route>): Promise<{ baseUrl: string; received: ReceivedRequest[]; close: () => Promise<void> }> {
  const received: ReceivedRequest[] = [];
  let baseUrl = '';
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString('utf-8'); });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', baseUrl);
      const params = req.method === 'POST' ? Object.fromEntries(new URLSearchParams(body)) : {};
      const signatureValid = twilio.validateRequest(authToken, String(req.headers['x-twilio-signature'] ?? ''), `${baseUrl}${req.url}`, params);
      const request: ReceivedRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, params, signatureValid };
      received.push(request);
      const route = routes[url.pathname];
      void (async (): Promise<ScriptedAnswer> => {
        if (!signatureValid) return { status: 403, contentType: 'text/plain', body: 'bad signature' };
        return route ? route(request) : { status: 404, contentType: 'text/plain', body: 'no route' };
      })().catch((error: unknown): ScriptedAnswer => ({ status: 500, contentType: 'text/plain', body: String(error) })).then((answer) => {
        const { status = 200, contentType = 'text/xml; charset=utf-8', body: out, delayMs = 0 } = typeof answer === 'string' ? { body: answer } : answer;
        setTimeout(() => {
          if (!res.destroyed) res.writeHead(status, { 'content-type': contentType }).end(out);
        }, delayMs);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    received,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
