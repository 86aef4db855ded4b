/**
 * The `reconcile_twilio` job: after a database outage, what Twilio holds of the outage window is
 * stored where the database missed it. Every call that started in the window (not a transfer's
 * child leg) is opened if the database never saw it (marked `reconciled_at`), and closed if its
 * final status callback was lost; every voicemail (a <Record>) made in the window becomes the
 * team's message task unless one already names it. Idempotent on CallSid and RecordingSid, so the
 * job, or a second outage notice over the same window, stores nothing twice.
 */
import type { JobHandler } from '../context.ts';
import { PermanentJobError } from '../errors.ts';
import type { TwilioCall } from './twilio_history.ts';

const CALL_STATUSES = new Set(['ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled']);
/** A window longer than this is a mistake (or a job from a process whose clock jumped). */
const MAX_WINDOW_MS = 3 * 24 * 60 * 60_000;

export const reconcileTwilio: JobHandler = async (job, deps) => {
  const since = new Date(String(job.payload.since ?? ''));
  const until = new Date(String(job.payload.until ?? ''));
  if (Number.isNaN(since.getTime()) || Number.isNaN(until.getTime()) || until < since) {
    throw new PermanentJobError('payload needs since <= until');
  }
  if (until.getTime() - since.getTime() > MAX_WINDOW_MS) throw new PermanentJobError('window longer than three days');
  const history = deps.history;
  if (!history) return { skipped: 'no Twilio credentials' };

  const calls = await history.calls(since, until);
  const byCall = new Map<string, TwilioCall>(calls.map((c) => [c.sid, c]));
  let callsCreated = 0;
  let callsClosed = 0;
  for (const c of calls) {
    // A <Dial>'s child leg belongs to its parent call; 'queued'/'initiated' never rang.
    if (c.parentCallSid || !CALL_STATUSES.has(c.status)) continue;
    const direction = c.direction === 'inbound' ? 'inbound' : c.direction === 'outbound-api' ? 'outbound' : null;
    if (!direction) continue;
    const [{ r }] = await deps.sql<{ r: { created: boolean; closed: boolean } }[]>`
      select public.reconcile_call(${c.sid}, ${c.from}, ${c.to}, ${direction}, ${c.status}, ${c.startTime},
        ${c.endTime}, ${c.durationSeconds}) as r`;
    if (r.created) callsCreated++;
    else if (r.closed) callsClosed++;
  }

  let voicemails = 0;
  for (const rec of await history.recordings(since, until)) {
    // Voicemails only: a call recording (StartCallRecordingAPI) has its own row and callbacks.
    if (rec.source !== 'RecordVerb' || rec.status === 'absent' || rec.status === 'failed') continue;
    const call = byCall.get(rec.callSid) ?? await history.call(rec.callSid);
    const [{ r }] = await deps.sql<{ r: { created: boolean } }[]>`
      select public.reconcile_voicemail(${rec.sid}, ${rec.callSid}, ${call?.from ?? null}, ${rec.url},
        ${rec.durationSeconds}) as r`;
    if (r.created) voicemails++;
  }
  const result = { calls_seen: calls.length, calls_created: callsCreated, calls_closed: callsClosed, voicemails_created: voicemails };
  if (callsCreated || callsClosed || voicemails) deps.log.info('reconciled from Twilio after an outage', result);
  return result;
};
