/**
 * Call recordings through Twilio's REST API with the official SDK: start one on a live call
 * (dual channel: caller and agent on separate tracks) and delete one. The REST base is
 * configurable (TWILIO_API_BASE_URL) so tests and the local stack use a stand-in.
 */
import twilio from 'twilio';
import type { OutboundConfig } from '../config.ts';
import { PermanentJobError, TransientJobError } from '../errors.ts';

export interface CallRecordings {
  /** Starts recording a live call; returns the recording's sid (RE...). */
  start(callSid: string, statusCallback: string): Promise<string>;
  /** Deletes a recording; false when Twilio no longer has it (already deleted). */
  remove(recordingSid: string): Promise<boolean>;
}

function recordingError(err: unknown): Error {
  const e = err as { status?: unknown; code?: unknown; name?: string };
  if (typeof e.status === 'number') {
    const what = `Twilio refused (status ${e.status}${typeof e.code === 'number' ? `, code ${e.code}` : ''})`;
    return e.status === 429 || e.status >= 500 ? new TransientJobError(what) : new PermanentJobError(what);
  }
  return new TransientJobError(`Twilio unreachable (${e?.name ?? 'error'})`);
}

export function twilioRecordings(config: OutboundConfig): CallRecordings {
  const client = twilio(config.accountSid, config.authToken, { autoRetry: false });
  // The SDK has no base URL option; its Api domain keeps the base in `baseUrl`.
  if (config.apiBaseUrl) (client.api as unknown as { baseUrl: string }).baseUrl = config.apiBaseUrl;
  return {
    async start(callSid, statusCallback) {
      try {
        const rec = await client.calls(callSid).recordings.create({
          recordingChannels: 'dual',
          recordingStatusCallback: statusCallback,
          recordingStatusCallbackMethod: 'POST',
          recordingStatusCallbackEvent: ['completed', 'absent'],
        });
        return rec.sid;
      } catch (err) {
        throw recordingError(err);
      }
    },
    async remove(recordingSid) {
      try {
        return await client.recordings(recordingSid).remove();
      } catch (err) {
        if ((err as { status?: unknown }).status === 404) return false;
        throw recordingError(err);
      }
    },
  };
}
