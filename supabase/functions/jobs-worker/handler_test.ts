import { assertEquals } from '../_shared/testing/assert.ts';
import { needsDb, testSql } from '../_shared/testing/harness.ts';
import { readJobsConfig } from '../_shared/jobs/config.ts';
import { testJobDeps } from '../_shared/jobs/test_support.ts';
import { jobsWorkerHandler } from './handler.ts';

const TOKEN = 'service-role-key-for-tests';
const post = (auth?: string) =>
  new Request('http://127.0.0.1/jobs-worker', {
    method: 'POST',
    body: '{}',
    headers: auth ? { authorization: auth, 'content-type': 'application/json' } : {},
  });

Deno.test({
  name: 'jobs-worker function',
  ...needsDb,
  fn: async (t) => {
    const config = readJobsConfig(
      { SUPABASE_SERVICE_ROLE_KEY: TOKEN },
      'https://voice.example.test/functions/v1',
    );
    const { deps, log } = testJobDeps({ config });
    const handle = jobsWorkerHandler(deps, { budgetMs: 5000 });
    const sql = testSql();

    await t.step('only the bearer of the worker token may run it', async () => {
      assertEquals((await handle(new Request('http://127.0.0.1/jobs-worker'))).status, 405);
      assertEquals((await handle(post())).status, 401);
      assertEquals((await handle(post('Bearer nope'))).status, 401);
      assertEquals((await handle(post(`Bearer ${TOKEN}x`))).status, 401);
      const { deps: noToken } = testJobDeps();
      assertEquals((await jobsWorkerHandler(noToken)(post(`Bearer ${TOKEN}`))).status, 503);
      await noToken.sql.end();
    });

    await t.step('a run reaps, drains and says what it did', async () => {
      const id = await deps.queue.enqueue('probe', { from: 'jobs-worker test' });
      const res = await handle(post(`Bearer ${TOKEN}`));
      assertEquals(res.status, 200);
      const body = await res.json();
      assertEquals(Object.keys(body).sort(), ['claimed', 'dead', 'done', 'reaped', 'retrying', 'snoozed']);
      // The test stack's own worker loop may have taken the probe first: either way it is done.
      for (let i = 0; i < 50 && (await deps.queue.get(id))?.state !== 'done'; i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      assertEquals((await deps.queue.get(id))?.state, 'done');
    });

    await t.step('with the database down it answers 503 and logs no details', async () => {
      const { deps: down } = testJobDeps({ config }, {
        SUPABASE_DB_URL: 'postgresql://postgres:postgres@127.0.0.1:9/none',
      });
      const res = await jobsWorkerHandler(down)(post(`Bearer ${TOKEN}`));
      assertEquals([res.status, await res.json()], [503, { error: 'database unavailable' }]);
      await down.sql.end();
    });

    assertEquals(log.lines.filter((l) => l.level === 'error').length, 0);
    await sql.end();
    await deps.sql.end();
  },
});
