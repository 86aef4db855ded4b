/**
 * A local stand-in for Twilio's Calls and Messages APIs as the `twilio` SDK uses them:
 * `POST /2010-04-01/Accounts/{AccountSid}/Calls.json` (and `/Messages.json`), form-encoded, Basic auth
 * `{AccountSid}:{AuthToken}`; answers 201 with the documented call resource, or Twilio's JSON
 * error (`{ code, message, more_info, status }`). Records every call; `failNext` scripts errors.
 * Also call recordings: `POST .../Calls/{CallSid}/Recordings.json` (RecordingChannels,
 * RecordingStatusCallback; answers 201 with the recording resource) and
 * `DELETE .../Recordings/{RecordingSid}.json` (204, or 404 code 20404 for an unknown one).
 * `GET .../Calls/{CallSid}.json` answers a call's resource with the status Twilio has for it
 * (`setStatus` tells it about calls it did not place, such as inbound ones), 404 otherwise.
 * The lists, as Twilio pages them: `GET .../Calls.json` (filters `StartTime`, `StartTime>`,
 * `StartTime<` by day as Twilio does, `Status`, `From`, `To`) answers `{ calls: [...], page,
 * page_size, start, end, uri, first_page_uri, next_page_uri, previous_page_uri }`, and
 * `GET .../Recordings.json` (`DateCreated`, `DateCreated>`, `DateCreated<`, `CallSid`) the same
 * with `recordings`; `PageSize` (50) and `Page`. `addCall` and `addRecording` tell it about calls
 * and recordings it did not see made (the ones a database outage missed).
 * Run it alone for the local stack: `deno run -A fake_twilio_api.ts` (FAKE_TWILIO_PORT,
 * TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN).
 */

export interface PlacedCall {
  sid: string;
  to: string;
  from: string;
  url: string;
  statusCallback: string | null;
  statusCallbackEvents: string[];
  params: Record<string, string>;
}

/** A `POST .../Calls/{Sid}.json`: new TwiML for a live call, or its end. */
export interface CallUpdateRequest {
  sid: string;
  params: Record<string, string>;
}

export interface StartedRecording {
  sid: string;
  callSid: string;
  params: Record<string, string>;
}

export interface SentMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
}

/** A call Twilio has, as a test tells the stand-in of it. */
export interface KnownCall {
  sid?: string;
  from: string;
  to: string;
  status: string;
  direction?: string;
  parentCallSid?: string | null;
  startTime?: Date | null;
  endTime?: Date | null;
  durationSeconds?: number | null;
}

/** A recording Twilio has (a voicemail's `source` is RecordVerb). */
export interface KnownRecording {
  sid?: string;
  callSid: string;
  source?: string;
  status?: string;
  durationSeconds?: number | null;
  dateCreated?: Date;
}

export interface FakeTwilioApi {
  readonly url: string;
  readonly calls: PlacedCall[];
  readonly updates: CallUpdateRequest[];
  readonly recordings: StartedRecording[];
  /** Recording sids deleted through the API, in order. */
  readonly deletedRecordings: string[];
  readonly messages: SentMessage[];
  /** What Twilio knows of a call (an inbound one, or a placed one that has since ended). */
  setStatus(sid: string, status: string, durationSeconds?: number | null): void;
  /** A call Twilio has (listed and fetched); returns its sid. */
  addCall(call: KnownCall): string;
  /** A recording Twilio has (listed); returns its sid. */
  addRecording(recording: KnownRecording): string;
  /** The next `times` requests get this HTTP status and Twilio error code. */
  failNext(status: number, code?: number, times?: number): void;
  close(): Promise<void>;
}

const E164 = /^\+[1-9][0-9]{6,14}$/;

function twilioError(status: number, code: number, message: string): Response {
  return Response.json({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }, {
    status,
  });
}

function randomSid(prefix: string): string {
  return prefix +
    [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Starts the stand-in on 127.0.0.1 (`port` 0: a free one). */
export function startFakeTwilioApi(accountSid: string, authToken: string, port = 0): FakeTwilioApi {
  const calls: PlacedCall[] = [];
  const updates: CallUpdateRequest[] = [];
  const recordings: StartedRecording[] = [];
  const deletedRecordings: string[] = [];
  const messages: SentMessage[] = [];
  const failures: [number, number][] = [];
  const known = new Map<string, { status: string; duration: number | null; to: string; from: string; direction?: string;
    parentCallSid?: string | null; startTime?: Date | null; endTime?: Date | null; dateCreated: Date }>();
  const listedRecordings: (Required<Omit<KnownRecording, 'durationSeconds'>> & { durationSeconds: number | null })[] = [];
  const authorized = (req: Request, account: string) =>
    req.headers.get('authorization') === `Basic ${btoa(`${accountSid}:${authToken}`)}` && account === accountSid;
  const rfc2822 = (d: Date | null | undefined) => (d ? d.toUTCString().replace('GMT', '+0000') : null);
  /** Twilio's Call resource (api v2010) for a call it knows. */
  const callResource = (sid: string) => {
    const c = known.get(sid)!;
    return {
      sid, date_created: rfc2822(c.dateCreated), date_updated: rfc2822(c.endTime ?? c.dateCreated),
      parent_call_sid: c.parentCallSid ?? null, account_sid: accountSid, to: c.to, to_formatted: c.to, from: c.from,
      from_formatted: c.from, phone_number_sid: null, status: c.status, start_time: rfc2822(c.startTime),
      end_time: rfc2822(c.endTime), duration: c.duration === null ? null : String(c.duration), price: null,
      price_unit: 'USD', direction: c.direction ?? 'inbound', answered_by: null, api_version: '2010-04-01',
      forwarded_from: null, group_sid: null, caller_name: null, queue_time: '0', trunk_sid: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`,
      subresource_uris: {
        notifications: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Notifications.json`,
        recordings: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Recordings.json`,
      },
    };
  };
  const recordingResource = (r: (typeof listedRecordings)[number]) => ({
    account_sid: accountSid, api_version: '2010-04-01', call_sid: r.callSid, conference_sid: null,
    date_created: rfc2822(r.dateCreated), date_updated: rfc2822(r.dateCreated), start_time: rfc2822(r.dateCreated),
    duration: r.durationSeconds === null ? null : String(r.durationSeconds), sid: r.sid, price: null, price_unit: 'USD',
    status: r.status, channels: 1, source: r.source, error_code: null,
    uri: `/2010-04-01/Accounts/${accountSid}/Recordings/${r.sid}.json`, encryption_details: null,
    subresource_uris: {
      add_on_results: `/2010-04-01/Accounts/${accountSid}/Recordings/${r.sid}/AddOnResults.json`,
      transcriptions: `/2010-04-01/Accounts/${accountSid}/Recordings/${r.sid}/Transcriptions.json`,
    },
    media_url: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Recordings/${r.sid}`,
  });
  /** Twilio filters these lists by day: `StartTime>=2026-11-30` is on or after that midnight (UTC). */
  const dayOf = (value: string | null) => {
    if (!value) return null;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? NaN : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  };
  const byDay = (q: URLSearchParams, name: string, t: Date | null | undefined) => {
    const [on, after, before] = [dayOf(q.get(name)), dayOf(q.get(`${name}>`)), dayOf(q.get(`${name}<`))];
    if ([on, after, before].some((v) => Number.isNaN(v))) return null;
    if (on === null && after === null && before === null) return true;
    if (!t) return false;
    const day = Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), t.getUTCDate());
    return (on === null || day === on) && (after === null || day >= after) && (before === null || day <= before);
  };
  /** One page of a list, with Twilio's paging fields. */
  const page = (u: URL, key: string, items: unknown[]) => {
    const size = Math.min(1000, Math.max(1, Number(u.searchParams.get('PageSize') ?? 50) || 50));
    const n = Math.max(0, Number(u.searchParams.get('Page') ?? 0) || 0);
    const at = (p: number) => {
      const q = new URLSearchParams(u.searchParams);
      q.set('PageSize', String(size));
      q.set('Page', String(p));
      if (p > 0) q.set('PageToken', `PA${p * size}`);
      else q.delete('PageToken');
      return `${u.pathname}?${q}`;
    };
    const slice = items.slice(n * size, (n + 1) * size);
    return Response.json({
      [key]: slice, page: n, page_size: size, start: n * size, end: n * size + Math.max(0, slice.length - 1),
      uri: at(n), first_page_uri: at(0), previous_page_uri: n > 0 ? at(n - 1) : null,
      next_page_uri: (n + 1) * size < items.length ? at(n + 1) : null,
    });
  };
  const server = Deno.serve({ hostname: '127.0.0.1', port, onListen: () => {} }, async (req) => {
    const u = new URL(req.url);
    const path = u.pathname;
    const update = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(path);
    if (update && req.method === 'POST') {
      if (req.headers.get('authorization') !== `Basic ${btoa(`${accountSid}:${authToken}`)}`) {
        return twilioError(401, 20003, 'Authenticate');
      }
      const call = calls.find((c) => c.sid === update[2]);
      if (!call) return twilioError(404, 20404, `The requested resource ${path} was not found`);
      const params = Object.fromEntries(new URLSearchParams(await req.text()));
      updates.push({ sid: call.sid, params });
      return Response.json({ sid: call.sid, account_sid: accountSid, to: call.to, from: call.from,
        status: params.Status === 'completed' ? 'completed' : 'in-progress', direction: 'outbound-api',
        api_version: '2010-04-01' });
    }
    const list = /^\/2010-04-01\/Accounts\/([^/]+)\/(Calls|Recordings)\.json$/.exec(path);
    if (list && req.method === 'GET') {
      if (!authorized(req, list[1])) return twilioError(401, 20003, 'Authenticate');
      const failure = failures.shift();
      if (failure) return twilioError(failure[0], failure[1], 'Scripted failure');
      const q = u.searchParams;
      if (list[2] === 'Calls') {
        const sids = [...known.keys()].filter((sid) => {
          const c = known.get(sid)!;
          return byDay(q, 'StartTime', c.startTime) !== false && (!q.get('Status') || q.get('Status') === c.status) &&
            (!q.get('From') || q.get('From') === c.from) && (!q.get('To') || q.get('To') === c.to);
        });
        if (['StartTime', 'StartTime>', 'StartTime<'].some((k) => q.has(k)) && byDay(q, 'StartTime', new Date()) === null) {
          return twilioError(400, 20001, 'Invalid StartTime');
        }
        // Newest first, as Twilio lists them.
        sids.sort((a, b) => (known.get(b)!.startTime?.getTime() ?? 0) - (known.get(a)!.startTime?.getTime() ?? 0));
        return page(u, 'calls', sids.map(callResource));
      }
      if (['DateCreated', 'DateCreated>', 'DateCreated<'].some((k) => q.has(k)) && byDay(q, 'DateCreated', new Date()) === null) {
        return twilioError(400, 20001, 'Invalid DateCreated');
      }
      const recs = listedRecordings.filter((r) => byDay(q, 'DateCreated', r.dateCreated) !== false &&
        (!q.get('CallSid') || q.get('CallSid') === r.callSid))
        .sort((a, b) => b.dateCreated.getTime() - a.dateCreated.getTime());
      return page(u, 'recordings', recs.map(recordingResource));
    }
    const recording = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/(CA[0-9a-f]{32})\/Recordings\.json$/.exec(path);
    const recordingSid = /^\/2010-04-01\/Accounts\/([^/]+)\/Recordings\/(RE[0-9a-f]{32})\.json$/.exec(path);
    if (recording || recordingSid) {
      if (!authorized(req, (recording ?? recordingSid)![1])) return twilioError(401, 20003, 'Authenticate');
      const failure = failures.shift();
      if (failure) return twilioError(failure[0], failure[1], 'Scripted failure');
      if (recording && req.method === 'POST') {
        const form = new URLSearchParams(await req.text());
        const sid = randomSid('RE');
        recordings.push({ sid, callSid: recording[2], params: Object.fromEntries(form) });
        listedRecordings.push({ sid, callSid: recording[2], source: 'StartCallRecordingAPI', status: 'in-progress',
          durationSeconds: null, dateCreated: new Date() });
        const now = new Date().toUTCString().replace('GMT', '+0000');
        return Response.json({
          sid, account_sid: accountSid, call_sid: recording[2], conference_sid: null, status: 'in-progress',
          channels: form.get('RecordingChannels') === 'dual' ? 2 : 1, source: 'StartCallRecordingAPI',
          start_time: now, date_created: now, date_updated: now, duration: null, price: null, price_unit: 'USD',
          error_code: null, track: form.get('RecordingTrack') ?? 'both', api_version: '2010-04-01',
          uri: `/2010-04-01/Accounts/${accountSid}/Recordings/${sid}.json`,
        }, { status: 201 });
      }
      if (recordingSid && req.method === 'DELETE') {
        const sid = recordingSid[2];
        if (!recordings.some((r) => r.sid === sid) || deletedRecordings.includes(sid)) {
          return twilioError(404, 20404, `The requested resource ${path} was not found`);
        }
        deletedRecordings.push(sid);
        return new Response(null, { status: 204 });
      }
      return twilioError(405, 20004, 'Method not allowed');
    }
    const one = /^\/2010-04-01\/Accounts\/([^/]+)\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(path);
    if (one && req.method === 'GET') {
      if (!authorized(req, one[1])) return twilioError(401, 20003, 'Authenticate');
      const failure = failures.shift();
      if (failure) return twilioError(failure[0], failure[1], 'Scripted failure');
      const call = known.get(one[2]);
      if (!call) return twilioError(404, 20404, `The requested resource ${path} was not found`);
      return Response.json(callResource(one[2]));
    }
    const match = /^\/2010-04-01\/Accounts\/([^/]+)\/(Calls|Messages)\.json$/.exec(path);
    if (!match) return twilioError(404, 20404, `The requested resource ${path} was not found`);
    if (req.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');
    if (
      req.headers.get('authorization') !== `Basic ${btoa(`${accountSid}:${authToken}`)}` ||
      match[1] !== accountSid
    ) {
      return twilioError(401, 20003, 'Authenticate');
    }
    const failure = failures.shift();
    if (failure) return twilioError(failure[0], failure[1], 'Scripted failure');
    const form = new URLSearchParams(await req.text());
    if (match[2] === 'Messages') return sendMessage(form);
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? '';
    const url = form.get('Url') ?? '';
    if (!to) return twilioError(400, 21201, "No 'To' number is specified");
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from) return twilioError(400, 21213, "No 'From' number is specified");
    if (!url && !form.get('Twiml') && !form.get('ApplicationSid')) {
      return twilioError(400, 21205, 'Url parameter is required.');
    }
    const sid = randomSid('CA');
    known.set(sid, { status: 'queued', duration: null, to, from, direction: 'outbound-api', dateCreated: new Date() });
    calls.push({
      sid,
      to,
      from,
      url,
      statusCallback: form.get('StatusCallback'),
      statusCallbackEvents: form.getAll('StatusCallbackEvent'),
      params: Object.fromEntries(form),
    });
    const now = new Date().toUTCString().replace('GMT', '+0000');
    return Response.json({
      sid,
      account_sid: accountSid,
      parent_call_sid: null,
      to,
      to_formatted: to,
      from,
      from_formatted: from,
      phone_number_sid: randomSid('PN'),
      status: 'queued',
      start_time: null,
      end_time: null,
      duration: null,
      price: null,
      price_unit: 'USD',
      direction: 'outbound-api',
      answered_by: null,
      api_version: '2010-04-01',
      forwarded_from: null,
      group_sid: null,
      caller_name: null,
      queue_time: '0',
      trunk_sid: null,
      date_created: now,
      date_updated: now,
      uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`,
      subresource_uris: {
        notifications: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Notifications.json`,
        recordings: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Recordings.json`,
      },
    }, { status: 201 });
  });
  /** Twilio's Message resource as documented (the fields the SDK maps), status queued. */
  function sendMessage(form: URLSearchParams): Response {
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? '';
    const body = form.get('Body') ?? '';
    if (!to) return twilioError(400, 21604, "A 'To' phone number is required.");
    if (!E164.test(to)) return twilioError(400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !form.get('MessagingServiceSid')) return twilioError(400, 21603, "A 'From' phone number is required.");
    if (!body && !form.get('MediaUrl')) return twilioError(400, 21602, 'Message body is required.');
    if (body.length > 1600) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    const sid = randomSid('SM');
    messages.push({ sid, to, from, body });
    const now = new Date().toUTCString().replace('GMT', '+0000');
    return Response.json({
      sid, account_sid: accountSid, api_version: '2010-04-01', body, to, from, status: 'queued', direction: 'outbound-api',
      num_segments: String(Math.ceil(body.length / 153) || 1), num_media: '0', price: null, price_unit: 'USD',
      error_code: null, error_message: null, messaging_service_sid: null,
      date_created: now, date_updated: now, date_sent: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
      subresource_uris: { media: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}/Media.json` },
    }, { status: 201 });
  }

  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    calls,
    updates,
    recordings,
    deletedRecordings,
    messages,
    setStatus(sid, status, durationSeconds = null) {
      const call = known.get(sid);
      known.set(sid, { ...call, to: call?.to ?? '', from: call?.from ?? '', status, duration: durationSeconds,
        dateCreated: call?.dateCreated ?? new Date() });
    },
    addCall(c) {
      const sid = c.sid ?? randomSid('CA');
      known.set(sid, { to: c.to, from: c.from, status: c.status, duration: c.durationSeconds ?? null,
        direction: c.direction ?? 'inbound', parentCallSid: c.parentCallSid ?? null, startTime: c.startTime ?? null,
        endTime: c.endTime ?? null, dateCreated: c.startTime ?? new Date() });
      return sid;
    },
    addRecording(r) {
      const sid = r.sid ?? randomSid('RE');
      listedRecordings.push({ sid, callSid: r.callSid, source: r.source ?? 'RecordVerb', status: r.status ?? 'completed',
        durationSeconds: r.durationSeconds ?? null, dateCreated: r.dateCreated ?? new Date() });
      return sid;
    },
    failNext(status, code = 20500, times = 1) {
      for (let i = 0; i < times; i++) failures.push([status, code]);
    },
    close: () => server.shutdown(),
  };
}

if (import.meta.main) {
  const sid = Deno.env.get('TWILIO_ACCOUNT_SID') ?? `AC${'0'.repeat(32)}`;
  const api = startFakeTwilioApi(
    sid,
    Deno.env.get('TWILIO_AUTH_TOKEN') ?? 'test-auth-token',
    Number(Deno.env.get('FAKE_TWILIO_PORT') ?? '0'),
  );
  console.log(JSON.stringify({ level: 'info', message: 'fake Twilio API listening', url: api.url }));
}
