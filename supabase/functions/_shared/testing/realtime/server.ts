/**
 * A local stand-in for the OpenAI Realtime API (WebSocket, GA protocol), close enough for the
 * real `openai` package's client: `wss://HOST/v1/realtime?model=...` with the key in the
 * `openai-insecure-api-key.` subprotocol. The client insists on wss, so it serves TLS with a
 * certificate of the local stack's own CA (the functions trust it through DENO_CERT), terminated
 * in front of the plain server with Nagle's algorithm off (tls_front.ts).
 *
 * Test-only channel (plain JSON over the same port, never part of the real API):
 *   POST /_test/utterances {text, audio}  what this audio (base64 mu-law) says, before it is streamed
 *   POST /_test/heard {keys, received, call_sid, after}  which replies the played frames belong to, and when
 *                                         each reply's first audio left for that call
 *   POST /_test/fail {call_sid}           the call's session fails abruptly at its next utterance
 *
 * Run: deno run -A --config supabase/functions/deno.json supabase/functions/_shared/testing/realtime/server.ts
 * with REALTIME_STANDIN_PORT, REALTIME_STANDIN_CERT / _KEY (PEM files) and SUPABASE_DB_URL.
 */
import postgres from 'postgres';
import { fromBase64 } from './audio.ts';
import { LocalModel } from './model.ts';
import { Recognizer } from './recognizer.ts';
import { StandInSession } from './session.ts';
import { serveTlsFront } from './tls_front.ts';

export interface StandInOptions {
  port: number;
  cert: string;
  key: string;
  dbUrl: string;
  /** When set, the API key every session must present. */
  apiKey?: string;
}

function log(message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level: 'info', message, ...fields, at: new Date().toISOString() }));
}

function keyFrom(req: Request): string | null {
  const protocols = (req.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
  const prefix = 'openai-insecure-api-key.';
  const fromProtocol = protocols.find((p) => p.startsWith(prefix))?.slice(prefix.length);
  const bearer = /^Bearer (.+)$/.exec(req.headers.get('authorization') ?? '')?.[1];
  return fromProtocol ?? bearer ?? null;
}

function apiError(status: number, message: string): Response {
  return Response.json({ error: { message, type: 'invalid_request_error', code: null } }, { status });
}

/** Starts the stand-in; returns the server and its test hooks. */
export function serveStandIn(o: StandInOptions) {
  const sql = postgres(o.dbUrl, { max: 4, onnotice: () => {}, connection: { application_name: 'realtime-standin' } });
  const recognizer = new Recognizer();
  const failing = new Set<string>();
  const model = new LocalModel(sql);
  let sessions = 0;

  async function testChannel(req: Request, path: string): Promise<Response> {
    let body: Record<string, unknown>;
    try {
      body = await req.json();
    } catch {
      return apiError(400, 'body must be JSON');
    }
    if (path === '/_test/utterances') {
      if (typeof body.text !== 'string' || typeof body.audio !== 'string') return apiError(400, 'text and audio required');
      const u = recognizer.register(body.text, fromBase64(body.audio));
      return Response.json({ id: u.id, sound_frames: u.soundFrames });
    }
    if (path === '/_test/heard') {
      if (!Array.isArray(body.keys)) return apiError(400, 'keys required');
      const keyOf = (k: unknown) => (typeof k === 'string' ? k : null);
      const hits = recognizer.lookup(body.keys.map(keyOf));
      const received = Array.isArray(body.received) ? body.received.map(keyOf) : [];
      const callSid = typeof body.call_sid === 'string' ? body.call_sid : '';
      const after = typeof body.after === 'number' ? body.after : 0;
      return Response.json({
        replies: hits.map(({ utterance, matched }) => ({ id: utterance.id, text: utterance.text,
          sound_frames: utterance.soundFrames, frames: utterance.frames, matched,
          first_audio_at: recognizer.sentAt(utterance, callSid, after) })),
        // For each received frame, the reply it belongs to (the bench times first audio with it).
        received_ids: received.map((k) => recognizer.idOf(k)),
      });
    }
    if (path === '/_test/fail') {
      if (typeof body.call_sid !== 'string') return apiError(400, 'call_sid required');
      failing.add(body.call_sid);
      return Response.json({ armed: true });
    }
    return apiError(404, 'not found');
  }

  // Plain HTTP on a loopback port of its own, behind the TLS front (tls_front.ts says why).
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, (req) => {
    const url = new URL(req.url);
    if (url.pathname === '/health') return Response.json({ ok: true, sessions });
    if (url.pathname.startsWith('/_test/') && req.method === 'POST') return testChannel(req, url.pathname);
    if (url.pathname !== '/v1/realtime') return apiError(404, 'not found');
    if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') return apiError(400, 'WebSocket upgrade required');
    const key = keyFrom(req);
    if (!key || (o.apiKey && key !== o.apiKey)) return apiError(401, 'Incorrect API key provided.');
    if (!url.searchParams.get('model')) return apiError(400, 'model required');
    const protocols = (req.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    const { socket, response } = Deno.upgradeWebSocket(req, protocols.includes('realtime') ? { protocol: 'realtime' } : {});
    sessions++;
    socket.addEventListener('close', () => sessions--);
    new StandInSession(socket, { recognizer, model, failing, log });
    return response;
  });
  const front = serveTlsFront({ port: o.port, cert: o.cert, key: o.key, innerPort: server.addr.port,
    onListen: () => log('realtime stand-in listening', { port: o.port }) });
  return { server, recognizer, failing, close: async () => {
    await front.close();
    await server.shutdown();
    await sql.end();
  } };
}

if (import.meta.main) {
  const env = Deno.env.toObject();
  const missing = ['REALTIME_STANDIN_PORT', 'REALTIME_STANDIN_CERT', 'REALTIME_STANDIN_KEY', 'SUPABASE_DB_URL']
    .filter((k) => !env[k]);
  if (missing.length) {
    console.error(`missing: ${missing.join(', ')}`);
    Deno.exit(2);
  }
  serveStandIn({ port: Number(env.REALTIME_STANDIN_PORT), cert: Deno.readTextFileSync(env.REALTIME_STANDIN_CERT),
    key: Deno.readTextFileSync(env.REALTIME_STANDIN_KEY), dbUrl: env.SUPABASE_DB_URL, apiKey: env.REALTIME_STANDIN_API_KEY });
}
