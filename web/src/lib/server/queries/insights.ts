/**
 * The analytics that answer a team's questions over a range of business days: calls per week,
 * who handled them (the agent alone, a person after a transfer, after hours), the lead funnel,
 * handle time, the busiest hours of the day, and AI cost per call and per lead against the budget.
 * Days and hours are the business's own (its time zone); all under RLS.
 */
import type { Tx } from '../db.ts';

export interface WeekFigures {
  week: string;
  calls: number;
}

export interface HandledBy {
  agent: number;
  transferred: number;
  after_hours: number;
}

export interface Funnel {
  calls: number;
  leads: number;
  qualified: number;
  customers: number;
}

export interface Insights {
  weeks: WeekFigures[];
  handled: HandledBy;
  funnel: Funnel;
  avg_handle_seconds: number | null;
  /** Calls per hour of the business's day, 0 to 23. */
  by_hour: number[];
  cost_usd: number;
  cost_per_call: number | null;
  cost_per_lead: number | null;
}

/**
 * `days` business days up to today. After hours is judged by the weekly hours and holidays of
 * the active configuration (not today's manual override, which says nothing about past calls).
 */
export async function insights(tx: Tx, days: number): Promise<Insights> {
  const [row] = await tx<(Omit<Insights, 'weeks' | 'by_hour'> & { hours: number[] })[]>`
    with tz as (select public.business_timezone() as tz),
    cfg as (
      select jsonb_populate_record(null::public.agent_configs, to_jsonb(a) - 'hours_override') as c
      from public.agent_configs a where a.is_active
    ),
    calls as (
      select c.id, c.customer_id, c.escalated, c.duration_seconds, c.cost_usd, c.started_at,
             extract(hour from c.started_at at time zone tz.tz)::int as hour,
             coalesce((select not public.is_within_business_hours(cfg.c, c.started_at) from cfg), false) as after_hours
      from public.conversations c, tz
      where c.started_at >= ((now() at time zone tz.tz)::date - ${days - 1}::int)::timestamp at time zone tz.tz
    ),
    leads as (
      select distinct cu.id, cu.lead_status from calls k join public.customers cu on cu.id = k.customer_id
      where cu.name is not null or cu.lead_status <> 'new'
    )
    select
      jsonb_build_object(
        'agent', count(*) filter (where not k.escalated and not k.after_hours),
        'transferred', count(*) filter (where k.escalated),
        'after_hours', count(*) filter (where k.after_hours and not k.escalated)) as handled,
      jsonb_build_object(
        'calls', count(*),
        'leads', (select count(*) from leads),
        'qualified', (select count(*) from leads where lead_status in ('qualified', 'customer')),
        'customers', (select count(*) from leads where lead_status = 'customer')) as funnel,
      round(avg(k.duration_seconds))::float8 as avg_handle_seconds,
      (select array_agg(coalesce(n, 0) order by h) from generate_series(0, 23) h
        left join (select hour, count(*)::int as n from calls group by hour) x on x.hour = h) as hours,
      coalesce(sum(k.cost_usd), 0)::float8 as cost_usd,
      round(sum(k.cost_usd) / nullif(count(*), 0), 5)::float8 as cost_per_call,
      round(sum(k.cost_usd) / nullif((select count(*) from leads), 0), 5)::float8 as cost_per_lead
    from calls k
  `;
  const weeks = await tx<WeekFigures[]>`
    with tz as (select public.business_timezone() as tz),
    b as (select (now() at time zone tz.tz)::date - ${days - 1}::int as first, (now() at time zone tz.tz)::date as today, tz.tz from tz)
    select to_char(w, 'YYYY-MM-DD') as week, count(c.id)::int8 as calls
    from b cross join generate_series(date_trunc('week', b.first), b.today, interval '1 week') as w
    left join public.conversations c
      on date_trunc('week', c.started_at at time zone b.tz) = w and c.started_at >= b.first::timestamp at time zone b.tz
    group by w order by w
  `;
  const { hours, ...rest } = row;
  return { ...rest, by_hour: hours, weeks };
}
