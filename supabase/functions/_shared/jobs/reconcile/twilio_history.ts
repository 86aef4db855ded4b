/**
 * What Twilio holds of a time window, through its REST API with the official SDK: the calls that
 * started in it (GET /2010-04-01/Accounts/{Sid}/Calls.json, `StartTime>`/`StartTime<`) and the
 * recordings made in it (GET .../Recordings.json, `DateCreated>`/`DateCreated<`), every page
 * (the SDK follows `next_page_uri`). Twilio filters these by day, so the window is applied here
 * too. The REST base is configurable (TWILIO_API_BASE_URL) so tests and the local stack use a
 * stand-in.
 */
import twilio from 'twilio';
import type { OutboundConfig } from '../config.ts';
import { PermanentJobError, TransientJobError } from '../errors.ts';

export interface TwilioCall {
  sid: string;
  parentCallSid: string | null;
  from: string;
  to: string;
  /** inbound, outbound-api, outbound-dial */
  direction: string;
  status: string;
  startTime: Date | null;
  endTime: Date | null;
  durationSeconds: number | null;
}

export interface TwilioRecording {
  sid: string;
  callSid: string;
  /** RecordVerb (a <Record>: a voicemail), StartCallRecordingAPI, DialVerb, ... */
  source: string;
  status: string;
  durationSeconds: number | null;
  dateCreated: Date | null;
  /** As Twilio's RecordingUrl webhook parameter gives it (the media, with the account's credentials). */
  url: string;
}

export interface TwilioHistory {
  calls(since: Date, until: Date): Promise<TwilioCall[]>;
  recordings(since: Date, until: Date): Promise<TwilioRecording[]>;
  /** One call (GET /Calls/{sid}), or null when Twilio does not know it. */
  call(sid: string): Promise<TwilioCall | null>;
}

/** At most this many of each per window: an outage of hours on a busy number, not a whole account. */
const LIMIT = 5000;

function historyError(err: unknown): Error {
  const e = err as { status?: unknown; code?: unknown; name?: string };
  if (typeof e.status === 'number') {
    const what = `Twilio refused the listing (status ${e.status}${typeof e.code === 'number' ? `, code ${e.code}` : ''})`;
    return e.status === 429 || e.status >= 500 ? new TransientJobError(what) : new PermanentJobError(what);
  }
  return new TransientJobError(`Twilio unreachable (${e?.name ?? 'error'})`);
}

const seconds = (d: unknown) => (d === null || d === undefined || d === '' ? null : Number(d));
const within = (t: Date | null | undefined, since: Date, until: Date) =>
  t instanceof Date && !Number.isNaN(t.getTime()) && t >= since && t <= until;
/** Midnight UTC of the day: Twilio's date filters are by day. */
const day = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const nextDay = (d: Date) => new Date(day(d).getTime() + 86_400_000);

// deno-lint-ignore no-explicit-any
function toCall(c: any): TwilioCall {
  return {
    sid: c.sid, parentCallSid: c.parentCallSid ?? null, from: c.from ?? '', to: c.to ?? '', direction: c.direction ?? '',
    status: c.status, startTime: c.startTime ?? null, endTime: c.endTime ?? null, durationSeconds: seconds(c.duration),
  };
}

export function twilioHistory(config: OutboundConfig): TwilioHistory {
  const client = twilio(config.accountSid, config.authToken, { autoRetry: false, timeout: config.requestTimeoutMs ?? 15_000 });
  // The SDK has no base URL option; its Api domain keeps the base in `baseUrl`.
  if (config.apiBaseUrl) (client.api as unknown as { baseUrl: string }).baseUrl = config.apiBaseUrl;
  return {
    async calls(since, until) {
      try {
        const calls = await client.calls.list({ startTimeAfter: day(since), startTimeBefore: nextDay(until),
          pageSize: 100, limit: LIMIT });
        return calls.map(toCall).filter((c) => within(c.startTime, since, until));
      } catch (err) {
        throw historyError(err);
      }
    },
    async recordings(since, until) {
      try {
        const recs = await client.recordings.list({ dateCreatedAfter: day(since), dateCreatedBefore: nextDay(until),
          pageSize: 100, limit: LIMIT });
        return recs.filter((r) => within(r.dateCreated, since, until)).map((r) => ({
          sid: r.sid, callSid: r.callSid, source: String(r.source ?? ''), status: String(r.status ?? ''),
          durationSeconds: seconds(r.duration), dateCreated: r.dateCreated ?? null,
          url: `https://api.twilio.com/2010-04-01/Accounts/${config.accountSid}/Recordings/${r.sid}`,
        }));
      } catch (err) {
        throw historyError(err);
      }
    },
    async call(sid) {
      try {
        return toCall(await client.calls(sid).fetch());
      } catch (err) {
        if ((err as { status?: unknown }).status === 404) return null;
        throw historyError(err);
      }
    },
  };
}
