import { assert, assertEquals, assertMatch } from '../testing/assert.ts';
import { needsDb, testSql } from '../testing/harness.ts';
import { drain } from './worker.ts';
import { JobError, PermanentJobError, Snooze } from './errors.ts';
import type { JobHandler } from './context.ts';
import { testJobDeps } from './test_support.ts';

Deno.test({
  name: 'worker drain',
  ...needsDb,
  fn: async (t) => {
    const { deps, log } = testJobDeps();
    const sql = testSql();
    const kind = (s: string) => `test_${s}_${crypto.randomUUID().slice(0, 8)}`;
    const state = async (id: number) =>
      (await sql`select state, attempts, last_error, result from public.jobs where id = ${id}`)[0];

    await t.step('a job that succeeds is done, with its result', async () => {
      const k = kind('ok');
      const id = await deps.queue.enqueue(k, { n: 2 });
      const handlers: Record<string, JobHandler> = {
        [k]: (job) => Promise.resolve({ doubled: Number(job.payload.n) * 2 }),
      };
      const stats = await drain(deps, { worker: 'test', handlers });
      assertEquals(stats, { claimed: 1, done: 1, snoozed: 0, retrying: 0, dead: 0 });
      assertEquals(await state(id), { state: 'done', attempts: 1, last_error: null, result: { doubled: 4 } });
      const line = log.lines.find((l) => l.message === 'job done' && l.job_id === id)!;
      assert(typeof line.latency_ms === 'number', 'the log line carries the latency');
    });

    await t.step(
      'a job that always fails is retried with backoff, then dead with its last error',
      async () => {
        const k = kind('fail');
        let runs = 0;
        const handlers: Record<string, JobHandler> = {
          [k]: () => {
            runs++;
            return Promise.reject(new JobError(`attempt ${runs} failed`, true));
          },
        };
        const id = await deps.queue.enqueue(k, {}, { maxAttempts: 3, backoffSeconds: 0 });
        const stats = await drain(deps, { worker: 'test', handlers });
        assertEquals(runs, 3);
        assertEquals({ retrying: stats.retrying, dead: stats.dead }, { retrying: 2, dead: 1 });
        assertEquals(await state(id), {
          state: 'dead',
          attempts: 3,
          last_error: 'JobError: attempt 3 failed',
          result: null,
        });
      },
    );

    await t.step('a failure retrying cannot help is dead after one attempt', async () => {
      const k = kind('perm');
      const id = await deps.queue.enqueue(k, {}, { maxAttempts: 5, backoffSeconds: 0 });
      await drain(deps, {
        worker: 'test',
        handlers: { [k]: () => Promise.reject(new PermanentJobError('bad payload')) },
      });
      assertEquals(await state(id), {
        state: 'dead',
        attempts: 1,
        last_error: 'PermanentJobError: bad payload',
        result: null,
      });
    });

    await t.step('a vendor error stores its name and status, never its message', async () => {
      const k = kind('vendor');
      const id = await deps.queue.enqueue(k, {}, { maxAttempts: 1 });
      const err = Object.assign(new Error('caller +15551234567 said something'), {
        name: 'APIError',
        status: 502,
      });
      await drain(deps, { worker: 'test', handlers: { [k]: () => Promise.reject(err) } });
      const row = await state(id);
      assertEquals(row.last_error, 'APIError status 502');
      assert(!JSON.stringify(log.lines).includes('+15551234567'), 'nothing personal in the log');
    });

    await t.step('a snoozed job waits without using an attempt', async () => {
      const k = kind('snooze');
      const id = await deps.queue.enqueue(k);
      await drain(deps, {
        worker: 'test',
        handlers: { [k]: () => Promise.resolve(new Snooze(30, 'call still going')) },
      });
      const [row] =
        await sql`select state, attempts, run_at > now() + interval '20 seconds' as later from public.jobs
      where id = ${id}`;
      assertEquals(row, { state: 'queued', attempts: 0, later: true });
    });

    await t.step('a job that hangs counts as a retryable failure, and its work is told to stop', async () => {
      const k = kind('hang');
      const id = await deps.queue.enqueue(k, {}, { maxAttempts: 2, backoffSeconds: 60 });
      let stoppedAt: number | null = null;
      let finishedWork = false;
      const started = performance.now();
      await drain(deps, {
        worker: 'test',
        jobTimeoutMs: 100,
        handlers: {
          [k]: (_job, _deps, signal?: AbortSignal) =>
            new Promise((resolve, reject) => {
              const timer = setTimeout(() => (finishedWork = true, resolve(null)), 1000);
              signal!.addEventListener('abort', () => {
                stoppedAt = performance.now() - started;
                clearTimeout(timer);
                reject(signal!.reason);
              });
            }),
        },
      });
      const row = await state(id);
      assertEquals(row.state, 'queued');
      assertMatch(row.last_error, /took longer than 100 ms/);
      await new Promise((r) => setTimeout(r, 1000));
      assertEquals(finishedWork, false);
      assertEquals(stoppedAt !== null && stoppedAt < 1000, true);
    });

    await t.step('a worker whose job was taken by another cannot complete it late', async () => {
      const k = kind('late');
      const id = await deps.queue.enqueue(k, {}, { maxAttempts: 3, backoffSeconds: 1 });
      await drain(deps, {
        worker: 'slow',
        handlers: {
          [k]: async () => {
            // Meanwhile the reaper failed this attempt and another worker claimed the job.
            await sql`update public.jobs set state = 'running', locked_by = 'other', locked_at = now() where id = ${id}`;
            return { late: true };
          },
        },
      });
      const row = await sql`select state, locked_by, result from public.jobs where id = ${id}`;
      assertEquals([row[0].state, row[0].locked_by, row[0].result], ['running', 'other', null]);
    });

    await t.step('a worker claims only the kinds it has handlers for', async () => {
      const mine = kind('mine');
      const theirs = kind('theirs');
      const other = await deps.queue.enqueue(theirs);
      await deps.queue.enqueue(mine);
      const stats = await drain(deps, { worker: 'test', handlers: { [mine]: () => Promise.resolve(null) } });
      assertEquals(stats.claimed, 1);
      assertEquals((await state(other)).state, 'queued');
    });

    await sql`delete from public.jobs where kind like 'test\\_%'`;
    await sql.end();
    await deps.sql.end();
  },
});
