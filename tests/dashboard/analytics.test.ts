import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, claimsFor } from '../../web/src/lib/server/db.ts';
import { dailyFigures, firstWordPercentiles, latencyPercentiles, monthToDate, rangeDays, toCsv, type DayFigures } from '../../web/src/lib/server/queries/analytics.ts';
import { MEMBER, placeCall, testDb, type Sql } from './fixtures.ts';
import { skipWithout } from '../support/stack-env.ts';

const url = process.env.TEST_DB_URL;
const member = claimsFor(MEMBER);

describe('analytics CSV', () => {
  const row: DayFigures = {
    day: '2026-11-20', source: 'rollup', total_calls: 3, escalations: 1, avg_duration_seconds: 61.5, avg_sentiment: -0.2,
    total_cost_usd: 0.01, cost_per_call: 0.00333, latency_p50: 400, latency_p95: null,
  };
  it('has a header and one line per day, empty cells for nulls, negative numbers intact', () => {
    expect(toCsv([row])).toBe(
      'day,total_calls,escalations,avg_duration_seconds,avg_sentiment,total_cost_usd,cost_per_call,latency_p50,latency_p95,source\r\n' +
        '2026-11-20,3,1,61.5,-0.2,0.01,0.00333,400,,rollup\r\n',
    );
  });
  it('only knows 7, 30 and 90 days', () => {
    expect(rangeDays(new URLSearchParams('days=7'))).toBe(7);
    expect(rangeDays(new URLSearchParams('days=365'))).toBe(30);
  });
});

describe.skipIf(skipWithout({ TEST_DB_URL: url }))('analytics from the rollup and live data', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testDb(url!);
  });
  afterAll(() => sql.end());

  it('today is computed live and includes a new call', async () => {
    const before = (await asUser(sql, member, (tx) => dailyFigures(tx, 7))).at(-1)!;
    await placeCall(sql, { turns: [{ caller: 'hi', agent: 'hello', latencyMs: 900, costUsd: 0.5 }] });
    const days = await asUser(sql, member, (tx) => dailyFigures(tx, 7));
    expect(days).toHaveLength(7);
    const today = days.at(-1)!;
    expect(today.source).toBe('live');
    expect(today.total_calls).toBe(before.total_calls + 1);
    expect(today.total_cost_usd).toBeCloseTo(before.total_cost_usd + 0.5, 4);
  });

  it('past days come from call_analytics when the rollup has them', async () => {
    const [{ day }] = await sql<{ day: string }[]>`
      select to_char((now() at time zone public.business_timezone())::date - 3, 'YYYY-MM-DD') as day`;
    await sql`
      insert into public.call_analytics (day, total_calls, escalations, avg_duration_seconds, avg_sentiment, total_cost_usd)
      values (${day}, 12, 3, 80, 0.25, 1.2)
      on conflict (day) do update set total_calls = 12, escalations = 3, avg_duration_seconds = 80, avg_sentiment = 0.25, total_cost_usd = 1.2`;
    try {
      const row = (await asUser(sql, member, (tx) => dailyFigures(tx, 7))).find((d) => d.day === day)!;
      expect(row).toMatchObject({ source: 'rollup', total_calls: 12, escalations: 3, avg_duration_seconds: 80, avg_sentiment: 0.25, total_cost_usd: 1.2, cost_per_call: 0.1 });
    } finally {
      await sql`select public.refresh_call_analytics(${day}::date)`;
    }
  });

  it('latency percentiles and month to date against the budget', async () => {
    const p = await asUser(sql, member, (tx) => latencyPercentiles(tx, 7));
    expect(p.turns).toBeGreaterThan(0);
    expect(p.p50!).toBeLessThanOrEqual(p.p95!);
    const m = await asUser(sql, member, (tx) => monthToDate(tx));
    const [{ budget }] = await sql<{ budget: string }[]>`select monthly_budget_usd::text as budget from public.agent_configs where is_active`;
    expect(m.budget_usd).toBe(Number(budget));
    expect(m.spent_usd).toBeGreaterThanOrEqual(0.5);
    expect(m.projected_usd).toBeGreaterThanOrEqual(m.spent_usd - 0.01);
  });

  it('time to first word: percentiles of the streamed replies, as the database has them', async () => {
    await placeCall(sql, { turns: [{ caller: 'hours?', agent: 'Nine to six.', latencyMs: 1400, firstTokenMs: 280 }] });
    const p = await asUser(sql, member, (tx) => firstWordPercentiles(tx, 7));
    const [direct] = await sql<{ n: number; p50: number }[]>`
      select count(*)::int as n, round(percentile_cont(0.5) within group (order by first_token_ms))::float8 as p50
      from messages where role = 'agent' and first_token_ms is not null
        and created_at >= ((now() at time zone public.business_timezone())::date - 6)::timestamp at time zone public.business_timezone()`;
    expect(p.turns).toBe(direct!.n);
    expect(p.turns).toBeGreaterThan(0);
    expect(p.p50).toBe(direct!.p50);
    expect(p.p50!).toBeLessThanOrEqual(p.p99!);
  });

  it('a stranger gets empty figures', async () => {
    const days = await asUser(sql, claimsFor('user_stranger'), (tx) => dailyFigures(tx, 7));
    expect(days.every((d) => d.total_calls === 0)).toBe(true);
    expect((await asUser(sql, claimsFor('user_stranger'), (tx) => monthToDate(tx))).budget_usd).toBeNull();
  });
});
