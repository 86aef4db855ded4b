begin;
create extension if not exists pgtap with schema extensions;
select plan(14);

-- The pg_cron jobs the migrations schedule (minute granularity: pg_cron 1.4 here, 1.6 on Supabase).
select set_has(
  $$select jobname, schedule from cron.job$$,
  $$values ('jobs-reap-stuck', '* * * * *'), ('callbacks-due', '* * * * *'), ('retention', '17 3 * * *'),
           ('alerts', '*/5 * * * *'), ('daily-report', '2 * * * *'), ('call-analytics-rollup', '*/10 * * * *')$$,
  'reaper, due callbacks, retention, alerts, daily report and the analytics rollup are scheduled'
);
select is(
  (select count(*)::int from cron.job where jobname = 'jobs-worker-wake'),
  (select count(*)::int from pg_extension where extname = 'pg_net'),
  'the Supabase wake-up (pg_net) is scheduled only where pg_net exists'
);

-- Daily report: at the configured local hour, yesterday's, once. New York: 12:00 UTC is 07:00.
delete from public.jobs;
select is(public.enqueue_daily_report('2026-11-25 11:30Z'), null, 'before the report hour nothing is queued');
select isnt(public.enqueue_daily_report('2026-11-25 12:02Z'), null, 'at the report hour the report is queued');
select results_eq(
  $$select payload, dedupe_key from public.jobs$$,
  $$values ('{"kind": "daily_report", "day": "2026-11-24"}'::jsonb, 'notify:daily_report:2026-11-24')$$,
  'for yesterday in the business''s time zone'
);
select public.enqueue_daily_report('2026-11-25 13:02Z');
select is((select count(*)::int from public.jobs), 1, 'the hours after queue it no second time');
select public.enqueue_daily_report('2026-11-26 04:30Z');
select is((select count(*)::int from public.jobs), 1, 'late in the local evening it is still the same day''s report');

-- live_metrics ---------------------------------------------------------------------------------
delete from public.messages;
delete from public.conversations;
insert into public.conversations (call_sid, from_number, to_number, started_at, ended_at, duration_seconds, escalated,
                                  sentiment_score, cost_usd) values
  ('CA_lm1', '+15555551201', '+15550000000', now() - interval '10 minutes', now() - interval '8 minutes', 120, true, 0.5, 0.02),
  ('CA_lm2', '+15555551202', '+15550000000', now() - interval '5 minutes', null, null, false, null, 0.01),
  ('CA_lm3', '+15555551203', '+15550000000', now() - interval '30 hours', now() - interval '29 hours', 60, true, -0.5, 0.5);
select results_eq(
  $$select calls_last_hour, active_calls, escalations_today >= 1, cost_last_hour from public.live_metrics$$,
  $$values (2, 1, true, 0.03::numeric)$$,
  'calls and cost in the last hour, calls going on, escalations today'
);
select is((select avg_call_duration from public.live_metrics), 120.0, 'average duration of today''s ended calls');
select is((select count(*)::int from public.live_metrics), 1, 'one row, also with no calls at all');

set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee"}';
select is((select calls_last_hour from public.live_metrics), 2, 'a team member reads the live metrics');
set local request.jwt.claims = '{"sub": "user_nobody"}';
select is((select calls_last_hour from public.live_metrics), 0, 'someone outside the team sees no calls in them');
set local role anon;
select throws_ok($$select * from public.live_metrics$$, '42501', null, 'anon cannot read them');
reset role;

select is((select jobs_queued from public.live_metrics), (select count(*)::int from public.jobs where state = 'queued'),
          'the queue''s backlog is in the live metrics');

select * from finish();
rollback;
