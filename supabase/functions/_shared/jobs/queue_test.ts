import { assert, assertEquals } from '../testing/assert.ts';
import { needsDb, testSql } from '../testing/harness.ts';
import { jobQueue } from './queue.ts';

Deno.test({
  name: 'job queue',
  ...needsDb,
  fn: async (t) => {
    const a = testSql();
    const b = testSql();
    const kind = `test_q_${crypto.randomUUID().slice(0, 8)}`;

    await t.step('two workers claiming at once never share a job (SKIP LOCKED)', async () => {
      const q = jobQueue(a);
      const ids = await Promise.all(Array.from({ length: 10 }, () => q.enqueue(kind)));
      const [one, two] = await Promise.all([
        jobQueue(a).claim('worker-a', 6, [kind]),
        jobQueue(b).claim('worker-b', 6, [kind]),
      ]);
      const claimed = [...one, ...two].map((j) => j.id).sort();
      assertEquals(claimed.length, 10);
      assertEquals(new Set(claimed).size, 10);
      assertEquals(claimed, [...ids].sort());
    });

    await t.step('a queued job is announced on the jobs channel at commit, ids only', async () => {
      const heard: string[] = [];
      const listener = await b.listen('jobs', (payload) => heard.push(payload));
      const id = await a.begin(async (tx) => {
        const [row] = await tx`select public.enqueue_job(${kind}, '{"secret": "not on the wire"}') as id`;
        await new Promise((r) => setTimeout(r, 100));
        assertEquals(heard.filter((h) => h.includes(String(row.id))).length, 0, 'nothing before commit');
        return Number(row.id);
      });
      for (let i = 0; i < 50 && !heard.some((h) => JSON.parse(h).id === id); i++) {
        await new Promise((r) => setTimeout(r, 20));
      }
      const note = heard.map((h) => JSON.parse(h)).find((h) => h.id === id);
      assertEquals(note, { id, kind });
      await listener.unlisten();
    });

    await t.step('enqueue through the client is idempotent on the dedupe key', async () => {
      const q = jobQueue(a);
      const key = `${kind}:once`;
      const first = await q.enqueue(kind, { n: 1 }, { dedupeKey: key });
      assertEquals(await q.enqueue(kind, { n: 2 }, { dedupeKey: key }), first);
      const job = await q.get(first);
      assert(job);
      assertEquals(job.payload, { n: 1 });
    });

    await a`delete from public.jobs where kind = ${kind}`;
    await a.end();
    await b.end();
  },
});
