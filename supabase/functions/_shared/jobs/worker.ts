/**
 * Drains the queue: claims due jobs in small batches, runs each with its handler under a time
 * limit, and records done, snoozed, or failed (retried with backoff, or dead). The jobs-worker
 * function and the local worker loop run this same code.
 */
import type { JobDeps, JobHandler } from './context.ts';
import { errorText, isRetryable, PermanentJobError, Snooze, TransientJobError } from './errors.ts';
import type { Job } from './queue.ts';
import { JOB_HANDLERS } from './registry.ts';

export interface DrainOptions {
  /** Names this worker in locked_by. */
  worker: string;
  /** Jobs claimed (and run concurrently) at once. */
  batch?: number;
  /** Stop claiming after this long (an Edge Function must answer within its wall clock). */
  budgetMs?: number;
  /** Most one job may take before it counts as a (retryable) failure. */
  jobTimeoutMs?: number;
  handlers?: Readonly<Record<string, JobHandler>>;
  /** Set to stop claiming (the loop's SIGTERM). */
  signal?: AbortSignal;
}

export interface DrainStats {
  claimed: number;
  done: number;
  snoozed: number;
  retrying: number;
  dead: number;
}

/** Runs `work` with a signal that aborts after `ms`; stops waiting for it then. */
function withTimeout<T>(work: (signal: AbortSignal) => Promise<T>, ms: number): Promise<T> {
  const ac = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const err = new TransientJobError(`job took longer than ${ms} ms`);
      ac.abort(err);
      reject(err);
    }, ms);
  });
  const run = Promise.resolve().then(() => work(ac.signal));
  run.catch(() => {}); // it may settle after we stopped waiting
  return Promise.race([run, late]).finally(() => clearTimeout(timer));
}

/** Runs one claimed job to its next state. Never throws (a failure is recorded on the job). */
export async function runJob(job: Job, deps: JobDeps, opts: DrainOptions, stats: DrainStats): Promise<void> {
  const started = performance.now();
  const handler = (opts.handlers ?? JOB_HANDLERS)[job.kind];
  const fields = { job_id: job.id, kind: job.kind, attempt: job.attempts };
  try {
    if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
    const result = await withTimeout((signal) => handler(job, deps, signal), opts.jobTimeoutMs ?? 60_000);
    if (result instanceof Snooze) {
      await deps.queue.snooze(job.id, new Date(deps.now().getTime() + result.seconds * 1000));
      stats.snoozed++;
      deps.log.info('job snoozed', { ...fields, seconds: result.seconds, reason: result.reason });
      return;
    }
    if (!(await deps.queue.complete(job.id, opts.worker, result ?? null))) {
      deps.log.warn('job finished after another worker took it; result dropped', fields);
      return;
    }
    stats.done++;
    deps.log.info('job done', {
      ...fields,
      ms: Math.round(performance.now() - started),
      latency_ms: Math.max(0, Date.now() - new Date(job.created_at).getTime()),
    });
  } catch (err) {
    const state = await deps.queue.fail(job.id, opts.worker, errorText(err), isRetryable(err)).catch((dbErr) => {
      deps.log.error('job failure not recorded', { ...fields, error: errorText(dbErr) });
      return null;
    });
    if (state === 'dead') stats.dead++;
    else stats.retrying++;
    const log = state === 'dead' ? deps.log.error : deps.log.warn;
    log(state === 'dead' ? 'job dead' : 'job failed; will retry', { ...fields, error: errorText(err) });
  }
}

/** Claims and runs due jobs until none is due, the budget is spent, or the signal fires. */
export async function drain(deps: JobDeps, opts: DrainOptions): Promise<DrainStats> {
  const stats: DrainStats = { claimed: 0, done: 0, snoozed: 0, retrying: 0, dead: 0 };
  const until = performance.now() + (opts.budgetMs ?? 30_000);
  // Only kinds this worker can run: another worker (or a test) may own other kinds.
  const kinds = Object.keys(opts.handlers ?? JOB_HANDLERS);
  while (performance.now() < until && !opts.signal?.aborted) {
    const jobs = await deps.queue.claim(opts.worker, opts.batch ?? 5, kinds);
    if (jobs.length === 0) break;
    stats.claimed += jobs.length;
    await Promise.all(jobs.map((job) => runJob(job, deps, opts, stats)));
  }
  return stats;
}
