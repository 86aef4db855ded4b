import { assertEquals, assertMatch } from '../_shared/testing/assert.ts';
import { needsDb, testRuntime } from '../_shared/testing/harness.ts';
import { createHandler } from './handler.ts';

Deno.test({ name: 'health answers 200 with the Postgres version and the latest migration', ...needsDb, fn: async () => {
  const { rt } = testRuntime();
  const res = await createHandler(rt)(new Request('http://127.0.0.1/health'));
  assertEquals(res.status, 200);
  const body = await res.json();
  assertMatch(body.postgres, /^15\./);
  assertMatch(body.latest_migration, /^\d{14}$/);
  await rt.sql.end();
} });

Deno.test({ name: 'health answers 503 when the database is unreachable', sanitizeResources: false, sanitizeOps: false,
  fn: async () => {
    const { rt, log } = testRuntime({}, { SUPABASE_DB_URL: 'postgresql://postgres:postgres@127.0.0.1:9/none' });
    const res = await createHandler(rt)(new Request('http://127.0.0.1/health'));
    assertEquals(res.status, 503);
    assertEquals((await res.json()).database, 'unreachable');
    assertEquals(log.lines[0].message, 'health check failed');
    await rt.sql.end();
  } });
