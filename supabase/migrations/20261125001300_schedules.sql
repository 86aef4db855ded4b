-- What runs on a clock (pg_cron; minute schedules, as pg_cron 1.4 allows): retention, alerts,
-- the daily report, and on Supabase the wake-up of the jobs-worker function. The analytics
-- rollup is call_analytics' own job (today and yesterday every 10 minutes: the nightly rollup
-- and more) and due callbacks are the after-call migration's.

-- Deletes transcripts (messages) and the agent's per-call memory older than the retention
-- period; calls keep their figures (duration, outcome, sentiment, cost, summary), so the
-- rollups stay true. Days not yet rolled up are rolled up first. Finished jobs and old
-- notifications go too.
create or replace function public.apply_retention(p_now timestamptz default now())
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_days int := (select retention_days from public.automation_settings);
  v_cutoff timestamptz := p_now - v_days * interval '1 day';
  v_tz text := public.business_timezone();
  v_messages int;
  v_calls int;
  v_jobs int;
  v_notifications int;
begin
  perform public.refresh_call_analytics(d.day)
  from (select distinct (c.started_at at time zone v_tz)::date as day
        from public.conversations as c
        where c.started_at < v_cutoff
          and exists (select 1 from public.messages as m where m.conversation_id = c.id)) as d
  where not exists (select 1 from public.call_analytics as a where a.day = d.day);

  delete from public.messages as m
  using public.conversations as c
  where m.conversation_id = c.id and c.started_at < v_cutoff;
  get diagnostics v_messages = row_count;

  update public.conversations set state = '{}'
  where started_at < v_cutoff and state <> '{}';
  get diagnostics v_calls = row_count;

  delete from public.jobs where state = 'done' and finished_at < p_now - interval '14 days';
  get diagnostics v_jobs = row_count;

  delete from public.notifications where created_at < v_cutoff;
  get diagnostics v_notifications = row_count;

  return jsonb_build_object('cutoff', v_cutoff, 'messages_deleted', v_messages, 'calls_cleared', v_calls,
                            'jobs_deleted', v_jobs, 'notifications_deleted', v_notifications);
end
$$;

-- Checks the alert rules; each alert that fires is a notify job, at most one per rule per hour.
-- Provider failures: the last N agent turns were all answered by something other than the first
-- provider the active config asks for (a fallback, or the safe sentence).
create or replace function public.check_alerts(p_now timestamptz default now())
  returns text[]
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  s public.automation_settings;
  v_first text;
  v_recent int;
  v_failed int;
  v_calls int;
  v_escalated int;
  v_cost numeric;
  v_hour text := to_char(date_trunc('hour', p_now), 'YYYY-MM-DD"T"HH24');
  v_fired text[] := '{}';
begin
  select * into s from public.automation_settings;
  select lower(providers[1]) into v_first from public.agent_configs where is_active;

  select count(*), count(*) filter (where r.provider = 'safe'
                                     or (v_first <> 'local' and r.provider is distinct from v_first))
  into v_recent, v_failed
  from (select m.provider from public.messages as m
        where m.role = 'agent' and m.turn > 0 and m.created_at > p_now - interval '1 hour'
        order by m.created_at desc, m.id desc
        limit s.alert_provider_failures) as r;
  if v_recent = s.alert_provider_failures and v_failed = v_recent then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'alert', 'alert', 'provider_failures',
      'turns', s.alert_provider_failures, 'provider', v_first), 'notify:alert:provider_failures:' || v_hour);
    v_fired := array_append(v_fired, 'provider_failures');
  end if;

  select count(*), count(*) filter (where escalated), coalesce(sum(cost_usd), 0)
  into v_calls, v_escalated, v_cost
  from public.conversations where started_at > p_now - interval '1 hour' and started_at <= p_now;
  if v_calls >= s.alert_min_calls and v_escalated::numeric / v_calls > s.alert_escalation_rate then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'alert', 'alert', 'escalation_rate',
      'calls', v_calls, 'escalated', v_escalated), 'notify:alert:escalation_rate:' || v_hour);
    v_fired := array_append(v_fired, 'escalation_rate');
  end if;
  if v_cost > s.alert_hourly_cost_usd then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'alert', 'alert', 'hourly_cost',
      'cost_usd', round(v_cost, 2), 'budget_usd', s.alert_hourly_cost_usd), 'notify:alert:hourly_cost:' || v_hour);
    v_fired := array_append(v_fired, 'hourly_cost');
  end if;
  return v_fired;
end
$$;

-- Hourly: at the configured local hour, yesterday's report (once per day, whatever the clock).
create or replace function public.enqueue_daily_report(p_now timestamptz default now())
  returns bigint
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_local timestamp := p_now at time zone public.business_timezone();
  v_day date := v_local::date - 1;
begin
  if extract(hour from v_local) < (select daily_report_hour from public.automation_settings) then
    return null;
  end if;
  return public.enqueue_job('notify', jsonb_build_object('kind', 'daily_report', 'day', v_day),
                            'notify:daily_report:' || v_day);
end
$$;

-- The dashboard's live figures (the design's live_metrics), under the reader's RLS.
create view public.live_metrics with (security_invoker = true) as
with today as (
  select (now() at time zone public.business_timezone())::date::timestamp
         at time zone public.business_timezone() as since
)
select
  count(*) filter (where c.started_at > now() - interval '1 hour')::int as calls_last_hour,
  count(*) filter (where c.ended_at is null and c.started_at > now() - interval '4 hours')::int as active_calls,
  round(avg(c.duration_seconds) filter (where c.ended_at is not null and c.started_at >= t.since), 1)
    as avg_call_duration,
  count(*) filter (where c.started_at >= t.since)::int as calls_today,
  count(*) filter (where c.escalated and c.started_at >= t.since)::int as escalations_today,
  round(avg(c.sentiment_score) filter (where c.started_at >= t.since), 2) as avg_sentiment_today,
  coalesce(sum(c.cost_usd) filter (where c.started_at > now() - interval '1 hour'), 0) as cost_last_hour,
  coalesce(sum(c.cost_usd) filter (where c.started_at >= t.since), 0) as cost_today,
  (select count(*) from public.jobs as j where j.state = 'queued')::int as jobs_queued,
  (select count(*) from public.jobs as j where j.state = 'dead')::int as jobs_dead
from today as t
left join public.conversations as c on c.started_at >= least(t.since, now() - interval '4 hours')
group by t.since;

-- On Supabase: pg_cron (each minute, when work is due) and a statement trigger on jobs (at once)
-- call the jobs-worker function through pg_net, with its URL and a service key kept in Vault:
--   select vault.create_secret('https://<ref>.supabase.co/functions/v1/jobs-worker', 'jobs_worker_url');
--   select vault.create_secret('<service role key>', 'jobs_worker_token');
-- pg_net is not in the local stack (its worker loop LISTENs instead), so both are created only
-- where the extension is; without the secrets the wake-up does nothing.
create or replace function public.wake_jobs_worker()
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_url text;
  v_token text;
begin
  select decrypted_secret into v_url from vault.decrypted_secrets where name = 'jobs_worker_url';
  select decrypted_secret into v_token from vault.decrypted_secrets where name = 'jobs_worker_token';
  if v_url is null or v_token is null then
    return;
  end if;
  perform net.http_post(
    url := v_url,
    headers := jsonb_build_object('Authorization', 'Bearer ' || v_token, 'Content-Type', 'application/json'),
    body := '{}'::jsonb,
    timeout_milliseconds := 2000
  );
exception
  -- Waking is best effort: the job is committed and the next minute's wake-up finds it.
  when others then
    raise warning 'jobs worker wake-up failed: %', sqlerrm;
end
$$;

create or replace function public.wake_jobs_worker_after_insert()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform public.wake_jobs_worker();
  return null;
end
$$;

revoke all on function public.apply_retention(timestamptz) from public, anon, authenticated;
revoke all on function public.check_alerts(timestamptz) from public, anon, authenticated;
revoke all on function public.enqueue_daily_report(timestamptz) from public, anon, authenticated;
revoke all on function public.wake_jobs_worker() from public, anon, authenticated;
revoke all on function public.wake_jobs_worker_after_insert() from public, anon, authenticated;
grant execute on function public.apply_retention(timestamptz) to service_role;
grant execute on function public.check_alerts(timestamptz) to service_role;
grant execute on function public.enqueue_daily_report(timestamptz) to service_role;

revoke all on public.live_metrics from anon, authenticated;
grant select on public.live_metrics to authenticated, service_role;

select cron.schedule('retention', '17 3 * * *', $$select public.apply_retention()$$);
select cron.schedule('alerts', '*/5 * * * *', $$select public.check_alerts()$$);
select cron.schedule('daily-report', '2 * * * *', $$select public.enqueue_daily_report()$$);

do $$
begin
  if exists (select 1 from pg_extension where extname = 'pg_net') then
    perform cron.schedule('jobs-worker-wake', '* * * * *',
      $job$select public.wake_jobs_worker()
           where exists (select 1 from public.jobs where state = 'queued' and run_at <= now())$job$);
    create trigger jobs_wake_worker
      after insert on public.jobs
      for each statement execute function public.wake_jobs_worker_after_insert();
  end if;
end
$$;
