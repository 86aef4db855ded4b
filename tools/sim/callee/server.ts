/**
 * A local stand-in for Twilio's Calls API that also plays the callee. It speaks the API as the
 * `twilio` SDK uses it (Basic auth `{AccountSid}:{AuthToken}`, form-encoded bodies, Twilio's JSON
 * resources and errors):
 *   POST /2010-04-01/Accounts/{AccountSid}/Calls.json          place a call (201, status queued)
 *   POST /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json    update a live call (Twiml, Url, Status)
 *   GET  /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json    the call resource
 *   POST /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}/Recordings.json, DELETE .../Recordings/{Sid}.json
 *        (call recording, answered as Twilio does; nothing is recorded here)
 * and then plays each call with the behaviour registered for its number (see behaviour.ts).
 * Control endpoints for tests and tools (JSON, loopback only):
 *   PUT  /_sim/callees   {"+15550001111": [{"kind": "no-answer"}, {"kind": "person"}], ...}
 *   GET  /_sim/calls[?to=+1555...]   every call placed, with what the agent said
 *   GET  /_sim/messages              every SMS sent (POST .../Messages.json: the satisfaction survey)
 *
 *   tsx tools/sim/callee/server.ts   (FAKE_TWILIO_PORT, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN,
 *                                     SIM_CALLEE_DEFAULT=person|record-only, SIM_RING_MS)
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { CalleeBook, parseCallee, type Callee } from './behaviour.ts';
import { type OutboundCall, playCall } from './play.ts';

export interface CalleeServerOptions {
  accountSid: string;
  authToken: string;
  port?: number;
  ringMs?: number;
  fallback?: Callee;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

export interface SentMessage { sid: string; to: string; from: string; body: string }

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function twilioError(res: ServerResponse, status: number, code: number, message: string) {
  json(res, status, { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status });
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The call resource as Twilio returns it (the fields the SDK and our code read). */
function resource(call: OutboundCall, accountSid: string) {
  const now = new Date().toUTCString().replace('GMT', '+0000');
  return {
    sid: call.sid, account_sid: accountSid, parent_call_sid: null, to: call.to, to_formatted: call.to,
    from: call.from, from_formatted: call.from, status: call.status, direction: 'outbound-api',
    answered_by: call.answeredBy, api_version: '2010-04-01', date_created: now, date_updated: now,
    start_time: null, end_time: null, duration: null, price: null, price_unit: 'USD',
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${call.sid}.json`,
  };
}

/** What GET /_sim/calls reports of a call. */
function summary(call: OutboundCall) {
  return { sid: call.sid, to: call.to, from: call.from, callee: call.callee, status: call.status,
    answered_by: call.answeredBy, ended: call.session?.ended ?? null, turns: call.turns, updates: call.updates,
    errors: call.errors, placed_at: new Date(call.placedAt).toISOString(),
    ended_at: call.endedAt ? new Date(call.endedAt).toISOString() : null };
}

/** An SMS (the satisfaction survey): Twilio's Message resource as documented, status queued; nothing is delivered. */
function sendMessage(res: ServerResponse, form: URLSearchParams, accountSid: string, messages: SentMessage[]) {
  const to = form.get('To') ?? '';
  const from = form.get('From') ?? '';
  const text = form.get('Body') ?? '';
  if (!to) return twilioError(res, 400, 21604, "A 'To' phone number is required.");
  if (!E164.test(to)) return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
  if (!from && !form.get('MessagingServiceSid')) return twilioError(res, 400, 21603, "A 'From' phone number is required.");
  if (!text && !form.get('MediaUrl')) return twilioError(res, 400, 21602, 'Message body is required.');
  if (text.length > 1600) return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  const sid = `SM${randomBytes(16).toString('hex')}`;
  const now = new Date().toUTCString().replace('GMT', '+0000');
  messages.push({ sid, to, from, body: text });
  json(res, 201, { sid, account_sid: accountSid, api_version: '2010-04-01', body: text, to, from, status: 'queued',
    direction: 'outbound-api', num_segments: String(Math.ceil(text.length / 153) || 1), num_media: '0', price: null,
    price_unit: 'USD', error_code: null, error_message: null, messaging_service_sid: null, date_created: now,
    date_updated: now, date_sent: null });
}

export function startCalleeServer(o: CalleeServerOptions): Promise<{ url: string; calls: OutboundCall[]; close(): Promise<void> }> {
  const calls: OutboundCall[] = [];
  const messages: SentMessage[] = [];
  const recordings = new Set<string>();
  const book = new CalleeBook(o.fallback);
  const auth = `Basic ${Buffer.from(`${o.accountSid}:${o.authToken}`).toString('base64')}`;
  const play = { accountSid: o.accountSid, authToken: o.authToken, ringMs: o.ringMs ?? 300 };

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/_sim/callees' && req.method === 'PUT') {
        const given = JSON.parse(await body(req)) as Record<string, unknown>;
        for (const [number, list] of Object.entries(given)) {
          if (!E164.test(number)) return json(res, 400, { error: `${number} is not an E.164 number` });
          book.set(number, (Array.isArray(list) ? list : [list]).map(parseCallee));
        }
        return json(res, 200, { ok: true });
      }
      if (url.pathname === '/_sim/messages' && req.method === 'GET') return json(res, 200, messages);
      if (url.pathname === '/_sim/calls' && req.method === 'GET') {
        const to = url.searchParams.get('to');
        return json(res, 200, calls.filter((c) => !to || c.to === to).map(summary));
      }
      const rec = /^\/2010-04-01\/Accounts\/([^/]+)\/(?:Calls\/(CA[0-9a-f]{32})\/Recordings|Recordings\/(RE[0-9a-f]{32}))\.json$/
        .exec(url.pathname);
      if (rec) {
        if (req.headers.authorization !== auth || rec[1] !== o.accountSid) return twilioError(res, 401, 20003, 'Authenticate');
        if (rec[2] && req.method === 'POST') {
          const form = new URLSearchParams(await body(req));
          const sid = `RE${randomBytes(16).toString('hex')}`;
          recordings.add(sid);
          return json(res, 201, { sid, account_sid: o.accountSid, call_sid: rec[2], status: 'in-progress',
            channels: form.get('RecordingChannels') === 'dual' ? 2 : 1, source: 'StartCallRecordingAPI',
            track: form.get('RecordingTrack') ?? 'both', api_version: '2010-04-01',
            uri: `/2010-04-01/Accounts/${o.accountSid}/Recordings/${sid}.json` });
        }
        if (rec[3] && req.method === 'DELETE') {
          if (!recordings.delete(rec[3])) return twilioError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
          res.writeHead(204).end();
          return;
        }
        return twilioError(res, 405, 20004, 'Method not allowed');
      }
      const sms = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(url.pathname);
      if (sms) {
        if (req.headers.authorization !== auth || sms[1] !== o.accountSid) return twilioError(res, 401, 20003, 'Authenticate');
        if (req.method !== 'POST') return twilioError(res, 405, 20004, 'Method not allowed');
        return sendMessage(res, new URLSearchParams(await body(req)), o.accountSid, messages);
      }
      const m = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls(?:\/(CA[0-9a-f]{32}))?\.json$/.exec(url.pathname);
      if (!m) return twilioError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
      if (req.headers.authorization !== auth || m[1] !== o.accountSid) return twilioError(res, 401, 20003, 'Authenticate');
      if (m[2]) {
        const call = calls.find((c) => c.sid === m[2]);
        if (!call) return twilioError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
        if (req.method === 'GET') return json(res, 200, resource(call, o.accountSid));
        if (req.method !== 'POST') return twilioError(res, 405, 20004, 'Method not allowed');
        const form = new URLSearchParams(await body(req));
        const twiml = form.get('Twiml');
        const status = form.get('Status');
        if (!twiml && !status && !form.get('Url')) return twilioError(res, 400, 20001, 'No update was given');
        if (status && !['completed', 'canceled'].includes(status)) {
          return twilioError(res, 400, 20001, `Status must be completed or canceled, not ${status}`);
        }
        if (call.status !== 'in-progress' || !call.session || call.session.ended) {
          return twilioError(res, 400, 21220, 'Call is not in-progress. Cannot redirect.');
        }
        call.updates.push({ twiml: twiml ?? undefined, status: status ?? undefined });
        // Twilio answers at once and changes the call afterwards.
        const session = call.session;
        setImmediate(() => {
          session.update(status ? null : twiml, call.url).catch((e) => call.errors.push(String(e)));
        });
        return json(res, 200, resource(call, o.accountSid));
      }
      if (req.method !== 'POST') return twilioError(res, 405, 20004, 'Method not allowed');
      const form = new URLSearchParams(await body(req));
      const to = form.get('To') ?? '';
      const from = form.get('From') ?? '';
      if (!to) return twilioError(res, 400, 21201, "No 'To' number is specified");
      if (!E164.test(to)) return twilioError(res, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
      if (!from) return twilioError(res, 400, 21213, "No 'From' number is specified");
      if (!form.get('Url')) return twilioError(res, 400, 21205, 'Url parameter is required.');
      const callee = book.next(to);
      const call: OutboundCall = {
        sid: `CA${randomBytes(16).toString('hex')}`, to, from, url: form.get('Url')!,
        statusCallback: form.get('StatusCallback'),
        amdCallback: form.get('AsyncAmd') === 'true' ? form.get('AsyncAmdStatusCallback') : null,
        callee: callee.kind, status: 'queued', answeredBy: null, turns: [], updates: [], errors: [],
        placedAt: Date.now(), endedAt: null, session: null,
      };
      calls.push(call);
      json(res, 201, resource(call, o.accountSid));
      playCall(call, callee, play).catch((e) => call.errors.push(e instanceof Error ? e.message : String(e)));
    } catch (error) {
      if (!res.headersSent) json(res, 400, { error: error instanceof Error ? error.message : 'bad request' });
    }
  });
  return new Promise((resolve) => {
    server.listen(o.port ?? 0, '127.0.0.1', () => {
      const address = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${address.port}`, calls,
        close: () => new Promise((r) => server.close(() => r())) });
    });
  });
}

if (process.argv[1]?.endsWith('callee/server.ts')) {
  const env = process.env;
  const fallback = env.SIM_CALLEE_DEFAULT === 'person' ? { kind: 'person' as const } : { kind: 'record-only' as const };
  startCalleeServer({
    accountSid: env.TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`,
    authToken: env.TWILIO_AUTH_TOKEN ?? 'test-auth-token',
    port: Number(env.FAKE_TWILIO_PORT ?? '0'),
    ringMs: Number(env.SIM_RING_MS ?? '300'),
    fallback,
  }).then(({ url }) => console.log(JSON.stringify({ level: 'info', message: 'Twilio Calls API stand-in listening', url })));
}
