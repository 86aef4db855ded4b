/**
 * The jobs worker killed in the middle of a job, both kinds of worker (the jobs-worker function
 * and the local worker loop): a lead's CRM delivery hangs, the worker process is SIGKILLed, the
 * reaper hands the job back to the queue, and a new worker finishes it. The job runs to done
 * once, the lead's notification exists once, and every delivery the CRM saw carries the same
 * delivery id (so the receiver keeps one).
 * Runs on a cluster of its own, so that no other worker (and no other test's jobs) take part.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Sql } from 'postgres';
import { noStack } from './support/twilio.ts';
import { connect } from './support/db.ts';
import { isolatedCluster, type IsolatedCluster } from './support/cluster.ts';
import { startFunctionsServer, startWorkerLoop, type DenoProcess } from './support/functions.ts';

const WORKER_TOKEN = 'faults-worker-token';

/** A CRM webhook receiver that holds each lead's first delivery open and accepts the others. */
async function startCrm() {
  const deliveries: { id: string; answered: boolean }[] = [];
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const delivery = { id: String(req.headers['x-legacyai-delivery'] ?? ''), answered: false };
      const first = !deliveries.some((d) => d.id === delivery.id);
      deliveries.push(delivery);
      if (first) return held.push(res);
      delivery.answered = true;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    deliveries,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function until<T>(what: string, check: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(noStack)('the jobs worker killed mid-job', () => {
  let cluster: IsolatedCluster | undefined;
  let crm: Awaited<ReturnType<typeof startCrm>> | undefined;
  let sql: Sql;
  const processes: DenoProcess[] = [];

  beforeAll(async () => {
    cluster = await isolatedCluster('faults-worker');
    sql = connect(cluster.dbUrl);
    crm = await startCrm();
  }, 120_000);

  afterAll(async () => {
    for (const p of processes) await p.stop();
    await crm?.close();
    await sql?.end({ timeout: 1 });
    await cluster?.remove();
  }, 60_000);

  const workerEnv = () => ({ SUPABASE_DB_URL: cluster!.dbUrl, JOBS_WORKER_TOKEN: WORKER_TOKEN,
    CRM_WEBHOOK_URL: crm!.url, CRM_WEBHOOK_SECRET: 'faults-secret', CRM_WEBHOOK_TIMEOUT_MS: '60000' });

  /** A worker of one kind: started, and told to work (the function needs a POST; the loop works by itself). */
  type Worker = { process: DenoProcess; work(): Promise<unknown> };
  const kinds: Record<string, () => Promise<Worker>> = {
    'jobs-worker function': async () => {
      const server = await startFunctionsServer(workerEnv());
      processes.push(server);
      return { process: server, work: () => fetch(`${server.base}/jobs-worker`, { method: 'POST',
        headers: { authorization: `Bearer ${WORKER_TOKEN}` } }).then((r) => r.json()) };
    },
    'worker loop': async () => {
      const loop = await startWorkerLoop(workerEnv());
      processes.push(loop);
      return { process: loop, work: () => Promise.resolve(null) };
    },
  };

  let phone = 0;
  for (const [kind, start] of Object.entries(kinds)) {
    it(`${kind}: the job goes back to the queue and is done once by the next worker`, async () => {
      // A new lead: its trigger enqueues the CRM delivery and the team's notification.
      const [customer] = await sql<{ id: string }[]>`insert into customers (phone_number, name, company, email)
        values (${`+1555079020${phone++}`}, 'Dana Whitfield', 'Orchard Dental', 'dana@orcharddental.com') returning id`;
      const jobsOf = () => sql<{ kind: string; state: string; attempts: number; dedupe_key: string }[]>`
        select kind, state, attempts, dedupe_key from jobs where payload ->> 'customer_id' = ${customer!.id} order by kind`;
      expect((await jobsOf()).map((j) => [j.kind, j.state])).toEqual([['crm_sync', 'queued'], ['notify', 'queued']]);
      const crmKey = (await jobsOf())[0]!.dedupe_key;
      const deliveries = () => crm!.deliveries.filter((d) => d.id === crmKey);

      const first = await start();
      const working = first.work().catch(() => null);
      await until('the CRM delivery to be in flight', async () => deliveries().length === 1);
      expect((await jobsOf()).find((j) => j.kind === 'crm_sync')).toMatchObject({ state: 'running', attempts: 1 });

      await first.process.kill();
      await working;
      expect((await jobsOf()).find((j) => j.kind === 'crm_sync')!.state).toBe('running');

      // The reaper (pg_cron, or any worker once the lock is 10 minutes old) fails the attempt;
      // the retry's backoff is skipped here instead of waited for.
      const [{ reaped }] = await sql<{ reaped: number }[]>`select public.reap_stuck_jobs(interval '0 seconds') as reaped`;
      expect(reaped).toBeGreaterThanOrEqual(1);
      await sql`update jobs set run_at = now() where state = 'queued' and payload ->> 'customer_id' = ${customer!.id}`;

      const second = await start();
      await second.work();
      const after = await until('both jobs to be done', async () => {
        const jobs = await jobsOf();
        return jobs.every((j) => j.state === 'done') && jobs;
      });
      await second.process.stop();
      expect(after.map((j) => [j.kind, j.state])).toEqual([['crm_sync', 'done'], ['notify', 'done']]);
      expect(after.find((j) => j.kind === 'crm_sync')!.attempts).toBe(2);
      const [{ n }] = await sql<{ n: number }[]>`select count(*)::int as n from notifications where customer_id = ${customer!.id}`;
      expect(n).toBe(1);
      expect(deliveries().length).toBe(2);
      expect(deliveries().filter((d) => d.answered).length).toBe(1);
    });
  }
});
