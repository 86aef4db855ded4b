/**
 * The `probe` job: an end-to-end check of the queue and its worker. `{}` succeeds; with `fail`
 * set it fails on every attempt (retryable unless `permanent`), which shows the retry and
 * dead-letter path working:
 *   select public.enqueue_job('probe', '{"fail": "checking dead-letter"}', null, null, 3, 1);
 */
import type { JobHandler } from './context.ts';
import { JobError } from './errors.ts';

export const probe: JobHandler = (job) => {
  const fail = job.payload.fail;
  if (fail) {
    const reason = typeof fail === 'string' ? fail.slice(0, 100) : 'asked to fail';
    return Promise.reject(new JobError(`probe failed as asked: ${reason}`, job.payload.permanent !== true));
  }
  return Promise.resolve({ ok: true, attempt: job.attempts });
};
