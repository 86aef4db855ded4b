begin;
create extension if not exists pgtap with schema extensions;
select plan(7);

delete from public.jobs;

-- A worker's job timed out, was reaped and taken by another worker.
select public.enqueue_job('probe', '{}', 'o:a', null, 5, 10);
select public.claim_jobs('w-slow', 1);
update public.jobs set locked_at = now() - interval '11 minutes' where dedupe_key = 'o:a';
select public.reap_stuck_jobs();
update public.jobs set run_at = now() where dedupe_key = 'o:a';
select public.claim_jobs('w-fresh', 1);
select ok(not public.complete_job((select id from public.jobs where dedupe_key = 'o:a'), 'w-slow', '{"late": true}'),
          'the first worker''s late completion changes nothing');
select is(public.fail_job((select id from public.jobs where dedupe_key = 'o:a'), 'w-slow', 'late failure', true), null,
          'nor does its late failure');
select results_eq($$select state, locked_by from public.jobs where dedupe_key = 'o:a'$$,
                  $$values ('running', 'w-fresh')$$, 'the job stays with the worker that holds it');
select ok(public.complete_job((select id from public.jobs where dedupe_key = 'o:a'), 'w-fresh', '{}'),
          'which completes it');

-- Jitter: twenty jobs failing together do not all come back in the same second.
select public.enqueue_job('probe', '{}', 'j:' || n, null, 5, 100) from generate_series(1, 20) as n;
select public.claim_jobs('w1', 20);
select public.fail_job(id, 'w1', 'provider down', true) from public.jobs where dedupe_key like 'j:%';
select ok((select count(distinct date_trunc('second', run_at)) > 10
             and min(run_at - now()) >= interval '50 seconds' and max(run_at - now()) < interval '150 seconds'
           from public.jobs where dedupe_key like 'j:%'),
          'retries spread over 0.5x to 1.5x of the backoff');

-- A dead job tells the admins, once; a dead notification does not notify about itself.
select public.enqueue_job('crm_sync', '{}', 'd:a', null, 1, 10);
select public.enqueue_job('notify', '{"kind": "alert"}', 'd:n', null, 1, 10);
select public.claim_jobs('w1', 5, '{crm_sync,notify}');
select public.fail_job(id, 'w1', 'refused', false) from public.jobs where dedupe_key in ('d:a', 'd:n');
select results_eq(
  $$select payload ->> 'alert', payload ->> 'job_kind' from public.jobs where dedupe_key like 'notify:alert:dead_job:%'$$,
  $$values ('dead_job', 'crm_sync')$$,
  'a dead job queues one alert for the admins, naming its kind');
select is((select count(*)::int from public.jobs where dedupe_key like 'notify:alert:dead_job:%'
           and payload ->> 'job_kind' = 'notify'), 0, 'a dead notification raises no alert of its own');

select * from finish();
rollback;
