/**
 * The recording jobs. `start_recording`: begin_recording() in SQL says whether the call's
 * consent allows it (the one owner of that rule); only then is Twilio asked to record.
 * `delete_recording`: a recording removed by retention or an erasure is deleted at Twilio, then
 * marked deleted; its payload holds the recording sid only.
 */
import type { JobHandler } from '../context.ts';
import { PermanentJobError } from '../errors.ts';

export const startRecording: JobHandler = async (job, deps) => {
  const conversationId = String(job.payload.conversation_id ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(conversationId)) throw new PermanentJobError('payload has no conversation_id');
  const [{ begun }] = await deps.sql`select public.begin_recording(${conversationId}::uuid) as begun`;
  if (!begun.ok) return { recording: false, reason: begun.reason };
  if (!deps.recordings) {
    await deps.sql`select public.recording_started(${begun.call_sid}, null)`;
    deps.log.warn('call not recorded: Twilio REST credentials are not configured', { job_id: job.id });
    return { recording: false, reason: 'not configured' };
  }
  let sid: string;
  try {
    sid = await deps.recordings.start(begun.call_sid,
      `${deps.config.publicFunctionsUrl}/twilio-status/call-recording`);
  } catch (err) {
    // The row goes, so a retry may ask again.
    await deps.sql`select public.recording_started(${begun.call_sid}, null)`;
    throw err;
  }
  await deps.sql`select public.recording_started(${begun.call_sid}, ${sid})`;
  return { recording: true, recording_sid: sid };
};

export const deleteRecording: JobHandler = async (job, deps) => {
  const sid = String(job.payload.recording_sid ?? '');
  if (!/^RE[0-9a-f]{32}$/i.test(sid)) throw new PermanentJobError('payload has no recording_sid');
  if (!deps.recordings) throw new PermanentJobError('Twilio REST credentials are not configured');
  const removed = await deps.recordings.remove(sid);
  await deps.sql`update public.call_recordings set status = 'deleted', deleted_at = coalesce(deleted_at, now())
    where recording_sid = ${sid}`;
  return { deleted: true, was_at_twilio: removed };
};
