/**
 * The `close_idle_call` job: a call with no activity for a long time whose final status callback
 * never came (a lost webhook, a database outage at the wrong second) is closed, so it is analysed
 * and reaches the CRM. With Twilio credentials Twilio's Calls API says how it really ended (and a
 * call still going is left alone); without them, or when Twilio does not know the call, it is
 * closed as completed.
 */
import type { JobHandler } from '../context.ts';
import { PermanentJobError, Snooze } from '../errors.ts';

/** Twilio's statuses of a call that has ended. */
const ENDED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);
/** A call Twilio says is still going is asked about again after this long. */
const STILL_LIVE_SECONDS = 600;

export const closeIdleCall: JobHandler = async (job, deps) => {
  const callSid = String(job.payload.call_sid ?? '');
  if (!/^CA[0-9a-f]{32}$/i.test(callSid)) throw new PermanentJobError('payload has no call_sid');
  const [call] = await deps.sql<{ ended: boolean }[]>`
    select ended_at is not null as ended from public.conversations where call_sid = ${callSid}`;
  if (!call) throw new PermanentJobError('unknown call');
  if (call.ended) return { skipped: 'already closed' };
  const twilio = deps.calls ? await deps.calls.status(callSid) : null;
  if (twilio && !ENDED.has(twilio.status)) return new Snooze(STILL_LIVE_SECONDS, 'Twilio says the call is still going');
  const status = twilio?.status ?? 'completed';
  await deps.sql`select public.finish_call(${callSid}, ${status}, ${twilio?.durationSeconds ?? null})`;
  return { closed: status, source: twilio ? 'twilio' : deps.calls ? 'unknown to twilio' : 'no credentials' };
};
