/**
 * Analytics: one row per business day from the `call_analytics` rollup, with today (and any day
 * the rollup has not reached yet) computed live from the calls; latency percentiles from the
 * agent's turns; month-to-date spend against the active configuration's budget.
 */
import type { Tx } from '../db.ts';
import { toCsv as rowsToCsv } from '../csv.ts';

export const RANGES = [7, 30, 90] as const;

export interface DayFigures {
  day: string;
  source: 'rollup' | 'live';
  total_calls: number;
  escalations: number;
  avg_duration_seconds: number | null;
  avg_sentiment: number | null;
  total_cost_usd: number;
  cost_per_call: number | null;
  latency_p50: number | null;
  latency_p95: number | null;
}

export interface LatencyPercentiles {
  turns: number;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
}

export interface MonthToDate {
  month_start: string;
  spent_usd: number;
  budget_usd: number | null;
  calls: number;
  projected_usd: number;
}

export function rangeDays(params: URLSearchParams): number {
  const n = Number(params.get('days'));
  return (RANGES as readonly number[]).includes(n) ? n : 30;
}

export function dailyFigures(tx: Tx, days: number): Promise<DayFigures[]> {
  return tx<DayFigures[]>`
    with tz as (select public.business_timezone() as tz),
    bounds as (
      select (now() at time zone tz.tz)::date as today, (now() at time zone tz.tz)::date - ${days - 1}::int as first, tz.tz
      from tz
    ),
    live as (
      select (c.started_at at time zone b.tz)::date as day, count(*) as total_calls,
             count(*) filter (where c.escalated) as escalations,
             avg(c.duration_seconds) as avg_duration_seconds, avg(c.sentiment_score) as avg_sentiment,
             coalesce(sum(c.cost_usd), 0) as total_cost_usd
      from public.conversations c, bounds b
      where c.started_at >= b.first::timestamp at time zone b.tz
      group by 1
    ),
    latency as (
      select (m.created_at at time zone b.tz)::date as day,
             percentile_cont(0.5) within group (order by m.latency_ms) as p50,
             percentile_cont(0.95) within group (order by m.latency_ms) as p95
      from public.messages m, bounds b
      where m.role = 'agent' and m.latency_ms is not null and m.created_at >= b.first::timestamp at time zone b.tz
      group by 1
    ),
    merged as (
      select d::date as day, (a.day is not null and d::date < b.today) as use_rollup,
             a.total_calls as r_calls, a.escalations as r_escalations, a.avg_duration_seconds as r_duration,
             a.avg_sentiment as r_sentiment, a.total_cost_usd as r_cost
      from bounds b
      cross join generate_series(b.first, b.today, interval '1 day') as d
      left join public.call_analytics a on a.day = d::date
    ),
    picked as (
      select m.day, m.use_rollup,
        coalesce(case when m.use_rollup then m.r_calls end, l.total_calls, 0) as calls,
        coalesce(case when m.use_rollup then m.r_escalations end, l.escalations, 0) as escalations,
        case when m.use_rollup then m.r_duration else l.avg_duration_seconds end as duration,
        case when m.use_rollup then m.r_sentiment else l.avg_sentiment end as sentiment,
        coalesce(case when m.use_rollup then m.r_cost end, l.total_cost_usd, 0) as cost
      from merged m left join live l on l.day = m.day
    )
    select to_char(p.day, 'YYYY-MM-DD') as day,
      case when p.use_rollup then 'rollup' else 'live' end as source,
      p.calls::int8 as total_calls,
      p.escalations::int8 as escalations,
      round(p.duration, 1)::float8 as avg_duration_seconds,
      round(p.sentiment, 2)::float8 as avg_sentiment,
      round(p.cost, 5)::float8 as total_cost_usd,
      round(p.cost / nullif(p.calls, 0), 5)::float8 as cost_per_call,
      round(lat.p50)::float8 as latency_p50,
      round(lat.p95)::float8 as latency_p95
    from picked p
    left join latency lat on lat.day = p.day
    order by p.day
  `;
}

/** Percentiles of one per-reply timing over the range: the whole answer, or the first words of a streamed one. */
async function replyPercentiles(tx: Tx, days: number, column: 'latency_ms' | 'first_token_ms'): Promise<LatencyPercentiles> {
  const [row] = await tx<LatencyPercentiles[]>`
    select count(*)::int8 as turns,
      round(percentile_cont(0.5) within group (order by ${tx(column)}))::float8 as p50,
      round(percentile_cont(0.9) within group (order by ${tx(column)}))::float8 as p90,
      round(percentile_cont(0.95) within group (order by ${tx(column)}))::float8 as p95,
      round(percentile_cont(0.99) within group (order by ${tx(column)}))::float8 as p99
    from public.messages
    where role = 'agent' and ${tx(column)} is not null
      and created_at >= ((now() at time zone public.business_timezone())::date - ${days - 1}::int)::timestamp
                        at time zone public.business_timezone()
  `;
  return row;
}

/** From the caller's last word to the whole answer being ready (gather) or stored (streamed modes). */
export const latencyPercentiles = (tx: Tx, days: number) => replyPercentiles(tx, days, 'latency_ms');

/** Time to first word: from the caller's last word to the agent's first words (relay and realtime replies). */
export const firstWordPercentiles = (tx: Tx, days: number) => replyPercentiles(tx, days, 'first_token_ms');

export async function monthToDate(tx: Tx): Promise<MonthToDate> {
  const [row] = await tx<MonthToDate[]>`
    with b as (
      select date_trunc('month', now() at time zone public.business_timezone()) as local_start,
             now() at time zone public.business_timezone() as local_now
    ),
    spent as (
      select coalesce(sum(c.cost_usd), 0) as usd, count(*) as calls
      from public.conversations c, b
      where c.started_at >= b.local_start at time zone public.business_timezone()
    )
    select to_char(b.local_start, 'YYYY-MM-DD') as month_start,
      round(spent.usd, 4)::float8 as spent_usd,
      (select monthly_budget_usd from public.agent_configs where is_active)::float8 as budget_usd,
      spent.calls::int8 as calls,
      round(spent.usd * extract(epoch from (b.local_start + interval '1 month') - b.local_start)
        / greatest(extract(epoch from b.local_now - b.local_start), 3600)::numeric, 2)::float8 as projected_usd
    from b, spent
  `;
  return row;
}

const CSV_COLUMNS: (keyof DayFigures)[] = [
  'day', 'total_calls', 'escalations', 'avg_duration_seconds', 'avg_sentiment', 'total_cost_usd',
  'cost_per_call', 'latency_p50', 'latency_p95', 'source',
];

/** The daily figures as CSV (RFC 4180 quoting; a formula-looking cell is defused). */
export function toCsv(rows: DayFigures[]): string {
  return rowsToCsv(CSV_COLUMNS, rows);
}
