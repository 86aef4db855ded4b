import { assertEquals } from '../_shared/testing/assert.ts';
import { needsDb, testRuntime } from '../_shared/testing/harness.ts';
import { createHandler } from './handler.ts';

Deno.test({ name: 'health answers 200 "up" and tells nothing else (no version, no migration)', ...needsDb, fn: async () => {
  const { rt } = testRuntime();
  const res = await createHandler(rt)(new Request('http://127.0.0.1/health'));
  assertEquals(res.status, 200);
  const text = await res.text();
  assertEquals(JSON.parse(text), { status: 'up' });
  assertEquals(/\d{14}|15\.\d|postgres/i.test(text), false);
  await rt.sql.end();
} });

Deno.test({ name: 'health answers 503 "down" when the database is unreachable, the reason only in the log',
  sanitizeResources: false, sanitizeOps: false,
  fn: async () => {
    const { rt, log } = testRuntime({}, { SUPABASE_DB_URL: 'postgresql://postgres:postgres@127.0.0.1:9/none' });
    const res = await createHandler(rt)(new Request('http://127.0.0.1/health'));
    assertEquals(res.status, 503);
    assertEquals(await res.json(), { status: 'down' });
    assertEquals(log.lines[0].message, 'health check failed');
    await rt.sql.end();
  } });
