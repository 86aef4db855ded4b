/**
 * The `place_callback` job: a due callback becomes an outbound call, within business hours and
 * within the task's max attempts. The attempt is counted before the call is placed; the call's
 * end (its status callback closing the conversation) settles the task in SQL.
 */
import type { AgentConfig } from '../../brain/types.ts';
import { isWithinHours, nextOpening } from '../../brain/hours.ts';
import type { JobHandler } from '../context.ts';
import { errorText, PermanentJobError } from '../errors.ts';

const MIN_DEFER_MS = 30 * 60_000;

export const placeCallback: JobHandler = async (job, deps) => {
  const taskId = String(job.payload.task_id ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(taskId)) throw new PermanentJobError('payload has no task_id');
  const sql = deps.sql;
  const [{ ctx }] = await sql`select public.callback_job_context(${taskId}::uuid) as ctx`;
  if (!ctx) throw new PermanentJobError('unknown callback task');
  if (ctx.task.status !== 'in_progress') return { skipped: `task is ${ctx.task.status}` };
  const config = ctx.config as AgentConfig | null;
  const now = deps.now();

  if (config && !isWithinHours(config, now)) {
    // An override may close the business while the schedule says open: try again later then.
    const opens = nextOpening(config, now);
    const at = new Date(Math.max(opens.getTime(), now.getTime() + (opens > now ? 0 : MIN_DEFER_MS)));
    await sql`select public.defer_callback(${taskId}::uuid, ${at})`;
    return { deferred_until: at.toISOString() };
  }
  if (!deps.calls || !deps.config.outbound) {
    // Nobody can place it: the team is told at once, rather than the task waiting forever.
    await sql.begin(async (tx) => {
      const taken = await tx`update public.scheduled_tasks set status = 'failed'
        where id = ${taskId}::uuid and status = 'in_progress' returning id`;
      if (taken.length) {
        await tx`select public.enqueue_job('notify', ${
          tx.json({ kind: 'callback_failed', task_id: taskId, reason: 'not_configured' })
        }, ${`notify:callback_failed:${taskId}`})`;
      }
    });
    deps.log.warn('callback not placed: outbound calling is not configured', { job_id: job.id });
    return { placed: false, reason: 'outbound calling not configured' };
  }

  const [{ attempt }] = await sql`select public.begin_callback_attempt(${taskId}::uuid, ${now}) as attempt`;
  if (!attempt.ok) return { placed: false, reason: attempt.reason };

  const base = deps.config.publicFunctionsUrl;
  let sid: string;
  try {
    ({ sid } = await deps.calls.place({
      to: attempt.phone,
      from: deps.config.outbound.fromNumber,
      url: `${base}/twilio-voice?callback=${taskId}`,
      statusCallback: `${base}/twilio-status`,
    }));
  } catch (err) {
    const [{ state }] = await sql`select public.release_callback_attempt(${taskId}::uuid) as state`;
    deps.log.warn('callback call not placed', {
      job_id: job.id,
      attempt: attempt.attempt,
      task_state: state,
      error: errorText(err),
    });
    return { placed: false, attempt: attempt.attempt, task_state: state, error: errorText(err) };
  }
  try {
    await sql`select public.record_callback_placed(${taskId}::uuid, ${sid}, ${deps.config.outbound.fromNumber},
      ${attempt.phone})`;
  } catch (err) {
    // Retrying would place a second call: dead, for an admin to look at.
    throw new PermanentJobError(`call placed but not recorded (${errorText(err)})`);
  }
  return { placed: true, call_sid: sid, attempt: attempt.attempt };
};
