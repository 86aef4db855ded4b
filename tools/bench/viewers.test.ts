import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnViewers } from './viewers.ts';
import { MEMBER, finish, greet, startCall, testDb, turn, type Sql } from '../../tests/dashboard/fixtures.ts';
import { skipWithout } from '../../tests/support/stack-env.ts';

const dbUrl = process.env.TEST_DB_URL;
const dashboardUrl = process.env.TEST_DASHBOARD_URL;

describe.skipIf(skipWithout({ TEST_DB_URL: dbUrl, TEST_DASHBOARD_URL: dashboardUrl }))('bench viewers in their own process', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testDb(dbUrl!);
  });
  afterAll(async () => {
    await sql.end();
  });

  it('each viewer receives the lines recorded after it opened, with their delay', async () => {
    const [{ after }] = await sql<{ after: string }[]>`select coalesce(max(id), 0)::text as after from public.messages`;
    const viewers = await spawnViewers(dashboardUrl!, 2, MEMBER, Number(after));
    const call = await startCall(sql, '+15550148895');
    await greet(sql, call.callSid, 'Hello, bench viewers.');
    await turn(sql, call.callSid, 1, { caller: 'a question', agent: 'an answer' });
    await new Promise((r) => setTimeout(r, 1500));
    const figures = await viewers.stop();
    await finish(sql, call.callSid, 5);
    // Other suites may record lines meanwhile: at least these three, to each of the two viewers.
    expect(figures.viewers).toBe(2);
    expect(figures.lines_received).toBeGreaterThanOrEqual(6);
    expect(figures.stream_errors).toBe(0);
    expect(figures.metrics_events).toBeGreaterThanOrEqual(2);
    expect(figures.live_delay_p50_ms).toBeGreaterThanOrEqual(0);
    expect(figures.live_delay_max_ms).toBeLessThan(1500);
    expect(figures.viewer_loop_delay_p99_ms).not.toBeNull();
  });

  it('no viewers: no process, empty figures', async () => {
    const figures = await (await spawnViewers(dashboardUrl!, 0, MEMBER, 0)).stop();
    expect(figures).toMatchObject({ viewers: 0, lines_received: 0, live_delay_p99_ms: null });
  });
});
