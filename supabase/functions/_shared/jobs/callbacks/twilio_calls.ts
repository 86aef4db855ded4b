/**
 * Outbound calls through Twilio's Calls API with the official SDK. The REST base is configurable
 * (TWILIO_API_BASE_URL) so tests and the local stack can use a stand-in speaking the same API.
 */
import twilio from 'twilio';
import type { OutboundConfig } from '../config.ts';
import { PermanentJobError, TransientJobError } from '../errors.ts';

export interface PlaceCall {
  to: string;
  from: string;
  /** The Voice URL Twilio requests when the callee answers. */
  url: string;
  statusCallback: string;
  /** Seconds to let it ring. */
  timeoutSeconds?: number;
  /**
   * Asynchronous answering-machine detection with message-end detection: the call connects at
   * once (the agent speaks to a person without delay) and Twilio posts AnsweredBy here later,
   * after the beep for a machine.
   */
  amdStatusCallback?: string;
}

/** A change to a live call: new TwiML to run now, or the call ended. */
export type CallUpdate = { twiml: string } | { status: 'completed' };

export interface OutboundCalls {
  place(call: PlaceCall): Promise<{ sid: string; status: string }>;
  update(callSid: string, change: CallUpdate): Promise<void>;
  /** What Twilio says of a call (GET /Calls/{sid}), or null when it does not know the call. */
  status(callSid: string): Promise<{ status: string; durationSeconds: number | null } | null>;
}

/** A Twilio refusal: 429 and 5xx may pass; other 4xx (a bad number, a bad account) will not. */
function callError(err: unknown): Error {
  const e = err as { status?: unknown; code?: unknown; name?: string };
  if (typeof e.status === 'number') {
    const what = `Twilio refused the call (status ${e.status}${
      typeof e.code === 'number' ? `, code ${e.code}` : ''
    })`;
    return e.status === 429 || e.status >= 500 ? new TransientJobError(what) : new PermanentJobError(what);
  }
  return new TransientJobError(`Twilio unreachable (${e?.name ?? 'error'})`);
}

/** Places calls with `twilio(accountSid, authToken)`; `apiBaseUrl` replaces https://api.twilio.com. */
export function twilioCalls(config: OutboundConfig): OutboundCalls {
  // The request's own timeout, well inside the job's: a slow placement is abandoned by the SDK
  // (and the attempt released) before the job times out and is retried beside it.
  const client = twilio(config.accountSid, config.authToken, { autoRetry: false, timeout: config.requestTimeoutMs ?? 15_000 });
  // The SDK has no base URL option; its Api domain keeps the base in `baseUrl`.
  if (config.apiBaseUrl) (client.api as unknown as { baseUrl: string }).baseUrl = config.apiBaseUrl;
  return {
    async place(call) {
      try {
        const res = await client.calls.create({
          to: call.to,
          from: call.from,
          url: call.url,
          method: 'POST',
          statusCallback: call.statusCallback,
          statusCallbackMethod: 'POST',
          statusCallbackEvent: ['completed'],
          timeout: call.timeoutSeconds ?? 25,
          ...(call.amdStatusCallback
            ? {
              machineDetection: 'DetectMessageEnd',
              asyncAmd: 'true',
              asyncAmdStatusCallback: call.amdStatusCallback,
              asyncAmdStatusCallbackMethod: 'POST',
            }
            : {}),
        });
        return { sid: res.sid, status: res.status };
      } catch (err) {
        throw callError(err);
      }
    },
    async update(callSid, change) {
      try {
        await client.calls(callSid).update('twiml' in change ? { twiml: change.twiml } : { status: change.status });
      } catch (err) {
        throw callError(err);
      }
    },
    async status(callSid) {
      try {
        const call = await client.calls(callSid).fetch();
        return { status: call.status, durationSeconds: call.duration ? Number(call.duration) : null };
      } catch (err) {
        if ((err as { status?: unknown }).status === 404) return null;
        throw callError(err);
      }
    },
  };
}
