/** The queue's SQL API (see the job_queue migration), typed. Each call is one transaction. */
import type { Sql } from '../runtime/runtime.ts';

export type JobState = 'queued' | 'running' | 'done' | 'dead';

export interface Job {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  dedupe_key: string | null;
  state: JobState;
  attempts: number;
  max_attempts: number;
  run_at: Date;
  created_at: Date;
  last_error: string | null;
}

export interface EnqueueOptions {
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
  backoffSeconds?: number;
}

const toJob = (row: Record<string, unknown>): Job => ({ ...row, id: Number(row.id) }) as Job;

/** The queue client every worker uses; the SQL functions hold all the rules. */
export function jobQueue(sql: Sql) {
  return {
    /** Enqueues a job (idempotent on the dedupe key) and returns its id. */
    async enqueue(
      kind: string,
      payload: Record<string, unknown> = {},
      opts: EnqueueOptions = {},
    ): Promise<number> {
      const [row] = await sql<{ id: string }[]>`select public.enqueue_job(${kind}, ${
        sql.json(payload as never)
      },
        ${opts.dedupeKey ?? null}, ${opts.runAt ?? null}, ${opts.maxAttempts ?? 5}, ${
        opts.backoffSeconds ?? 10
      }) as id`;
      return Number(row.id);
    },

    /** Takes up to `limit` due jobs for this worker (running, attempt counted). */
    async claim(worker: string, limit: number, kinds: string[] | null = null): Promise<Job[]> {
      const rows = await sql`select * from public.claim_jobs(${worker}, ${limit}, ${kinds})`;
      return rows.map(toJob);
    },

    /** Done, if this worker still holds the job (false: it was reaped and taken by another). */
    async complete(id: number, worker: string, result: unknown = null): Promise<boolean> {
      const [row] = await sql<{ ok: boolean }[]>`select public.complete_job(${id}, ${worker}, ${
        sql.json((result ?? null) as never)
      }) as ok`;
      return row.ok;
    },

    /** Records a failed attempt; returns the job's new state ('queued', 'dead'), null if not this worker's. */
    async fail(id: number, worker: string, error: string, retryable: boolean): Promise<JobState | null> {
      const [row] = await sql<
        { state: JobState | null }[]
      >`select public.fail_job(${id}, ${worker}, ${error}, ${retryable}) as state`;
      return row.state;
    },

    async snooze(id: number, runAt: Date): Promise<boolean> {
      const [row] = await sql<{ ok: boolean }[]>`select public.snooze_job(${id}, ${runAt}) as ok`;
      return row.ok;
    },

    /** Fails the attempts of workers that died mid-job; returns how many. */
    async reap(olderThanSeconds = 600): Promise<number> {
      const [row] = await sql<{ n: number }[]>`
        select public.reap_stuck_jobs(${olderThanSeconds} * interval '1 second') as n`;
      return row.n;
    },

    /** Queued again with fresh attempts (dead jobs only). */
    async retry(id: number): Promise<Job> {
      const [row] = await sql`select * from public.retry_job(${id})`;
      return toJob(row);
    },

    async get(id: number): Promise<Job | null> {
      const [row] = await sql`select * from public.jobs where id = ${id}`;
      return row ? toJob(row) : null;
    },
  };
}

export type JobQueue = ReturnType<typeof jobQueue>;
