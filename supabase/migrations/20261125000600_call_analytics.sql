-- Daily call figures for the dashboard, rolled up by a pg_cron job.

create extension if not exists pg_cron with schema pg_catalog;

create table public.call_analytics (
  day date primary key,
  total_calls int not null default 0,
  resolved_calls int not null default 0,
  escalations int not null default 0,
  avg_duration_seconds numeric,
  avg_sentiment numeric,
  unique_callers int not null default 0,
  total_cost_usd numeric not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger call_analytics_set_updated_at
  before update on public.call_analytics
  for each row execute function public.set_updated_at();

-- Days are the business's days: the active config's time zone (UTC when there is none).
create or replace function public.business_timezone()
  returns text
  language sql stable
  security definer
  set search_path = ''
as $$
  select coalesce((select timezone from public.agent_configs where is_active), 'UTC')
$$;

-- Resolved: the agent handled the call itself (no transfer, caller did not just hang up).
create or replace function public.refresh_call_analytics(p_day date)
  returns public.call_analytics
  language sql
  security definer
  set search_path = ''
as $$
  insert into public.call_analytics as a (
    day, total_calls, resolved_calls, escalations, avg_duration_seconds, avg_sentiment,
    unique_callers, total_cost_usd
  )
  select
    p_day,
    count(*),
    count(*) filter (where not c.escalated and c.outcome in ('answered', 'lead_captured', 'callback_booked', 'message_taken')),
    count(*) filter (where c.escalated),
    round(avg(c.duration_seconds), 1),
    round(avg(c.sentiment_score), 2),
    count(distinct coalesce(c.customer_id::text, c.from_number)),
    coalesce(sum(c.cost_usd), 0)
  from public.conversations as c
  where c.started_at >= p_day::timestamp at time zone public.business_timezone()
    and c.started_at < (p_day + 1)::timestamp at time zone public.business_timezone()
  on conflict (day) do update set
    total_calls = excluded.total_calls,
    resolved_calls = excluded.resolved_calls,
    escalations = excluded.escalations,
    avg_duration_seconds = excluded.avg_duration_seconds,
    avg_sentiment = excluded.avg_sentiment,
    unique_callers = excluded.unique_callers,
    total_cost_usd = excluded.total_cost_usd
  returning a.*
$$;

revoke all on function public.business_timezone() from public, anon;
revoke all on function public.refresh_call_analytics(date) from public, anon, authenticated;
grant execute on function public.business_timezone() to authenticated, service_role;
grant execute on function public.refresh_call_analytics(date) to service_role;

-- Today and yesterday, so calls that end after midnight land in the day they started.
select cron.schedule(
  'call-analytics-rollup',
  '*/10 * * * *',
  $$select public.refresh_call_analytics((now() at time zone public.business_timezone())::date - d)
    from generate_series(0, 1) as d$$
);

alter table public.call_analytics enable row level security;

revoke all on public.call_analytics from anon, authenticated;
grant select on public.call_analytics to authenticated;
grant all on public.call_analytics to service_role;

create policy "Team members can read call analytics"
  on public.call_analytics for select to authenticated
  using ((select public.is_team_member()));
