begin;
create extension if not exists pgtap with schema extensions;
select plan(39);

-- Start from an empty queue (the seed's rows may have enqueued jobs); now() is fixed in this
-- transaction, so backoff times can be compared exactly.
delete from public.jobs;

-- enqueue_job: idempotent on the dedupe key ---------------------------------------------------
select ok(public.enqueue_job('probe', '{"n": 1}', 'probe:one') is not null, 'a job is enqueued');
select is(public.enqueue_job('probe', '{"n": 2}', 'probe:one'),
          (select id from public.jobs where dedupe_key = 'probe:one'),
          'the same dedupe key returns the same job');
select is((select count(*)::int from public.jobs where dedupe_key = 'probe:one'), 1, 'and makes no second job');
select is((select payload from public.jobs where dedupe_key = 'probe:one'), '{"n": 1}'::jsonb,
          'the first payload is kept');
select isnt(public.enqueue_job('probe', '{}'), public.enqueue_job('probe', '{}'),
            'without a dedupe key every enqueue is a new job');
select throws_ok($$select public.enqueue_job('Bad Kind!', '{}')$$, '23514', null, 'a kind must be a snake_case name');
select throws_ok($$select public.enqueue_job('probe', '[1]')$$, '23514', null, 'a payload must be an object');

-- claim_jobs ----------------------------------------------------------------------------------
delete from public.jobs;
select public.enqueue_job('probe', '{}', 'q:a', null, 3, 10);
select public.enqueue_job('probe', '{}', 'q:later', now() + interval '1 hour');
select public.enqueue_job('other', '{}', 'q:other');

select results_eq(
  $$select dedupe_key, state, attempts, locked_by from public.claim_jobs('w1', 10, '{probe}')$$,
  $$values ('q:a', 'running', 1, 'w1')$$,
  'a worker claims due jobs of its kinds: running, attempt counted, locked by it'
);
select is_empty($$select * from public.claim_jobs('w2', 10, '{probe}')$$,
                'a running job and a job not yet due are not claimed');
select is((select count(*)::int from public.claim_jobs('w2', 10)), 1, 'without kinds, any due job is claimed');

-- complete_job --------------------------------------------------------------------------------
select ok(public.complete_job((select id from public.jobs where dedupe_key = 'q:a'), (select locked_by from public.jobs where dedupe_key = 'q:a'), '{"ok": true}'),
          'a running job completes');
select results_eq(
  $$select state, result, finished_at is not null, locked_at is null from public.jobs where dedupe_key = 'q:a'$$,
  $$values ('done', '{"ok": true}'::jsonb, true, true)$$,
  'done, with its result and finish time, unlocked'
);
select ok(not public.complete_job((select id from public.jobs where dedupe_key = 'q:a'), (select locked_by from public.jobs where dedupe_key = 'q:a')),
          'completing it again changes nothing');
select is(public.enqueue_job('probe', '{}', 'q:a'), (select id from public.jobs where dedupe_key = 'q:a'),
          'a done job''s dedupe key still gives that job (it never runs twice)');

-- fail_job: backoff, then dead ----------------------------------------------------------------
delete from public.jobs;
select public.enqueue_job('probe', '{}', 'f:a', null, 3, 10);
select public.claim_jobs('w1', 1);
select is(public.fail_job((select id from public.jobs where dedupe_key = 'f:a'), coalesce((select locked_by from public.jobs where dedupe_key = 'f:a'), 'w1'), 'boom 1', true), 'queued',
          'a retryable failure with attempts left goes back to the queue');
select results_eq(
  $$select run_at - now() between interval '5 seconds' and interval '15 seconds', last_error, locked_by is null
    from public.jobs where dedupe_key = 'f:a'$$,
  $$values (true, 'boom 1', true)$$,
  'first retry after backoff_seconds (with jitter, 0.5x to 1.5x), with the error kept'
);
update public.jobs set run_at = now() where dedupe_key = 'f:a';
select public.claim_jobs('w1', 1);
select is(public.fail_job((select id from public.jobs where dedupe_key = 'f:a'), coalesce((select locked_by from public.jobs where dedupe_key = 'f:a'), 'w1'), 'boom 2', true), 'queued',
          'second failure: queued again');
select ok((select run_at - now() between interval '10 seconds' and interval '30 seconds' from public.jobs where dedupe_key = 'f:a'),
          'the backoff doubles (with jitter)');
update public.jobs set run_at = now() where dedupe_key = 'f:a';
select public.claim_jobs('w1', 1);
select is(public.fail_job((select id from public.jobs where dedupe_key = 'f:a'), coalesce((select locked_by from public.jobs where dedupe_key = 'f:a'), 'w1'), 'boom 3', true), 'dead',
          'the last attempt''s failure is dead');
select results_eq(
  $$select state, attempts, last_error, finished_at is not null from public.jobs where dedupe_key = 'f:a'$$,
  $$values ('dead', 3, 'boom 3', true)$$,
  'dead after max_attempts, holding the last error'
);
-- (A dead job queues an alert for the admins: 52-job-ownership.sql tests it; here it is cleared.)
delete from public.jobs where dedupe_key like 'notify:alert:dead_job:%';
select is_empty($$select * from public.claim_jobs('w1', 10)$$, 'a dead job is never claimed');

select public.enqueue_job('probe', '{}', 'f:perm', null, 5);
select public.claim_jobs('w1', 1);
select is(public.fail_job((select id from public.jobs where dedupe_key = 'f:perm'), coalesce((select locked_by from public.jobs where dedupe_key = 'f:perm'), 'w1'), 'bad input', false), 'dead',
          'a failure retrying cannot help is dead at once');
select is(public.fail_job((select id from public.jobs where dedupe_key = 'f:perm'), coalesce((select locked_by from public.jobs where dedupe_key = 'f:perm'), 'w1'), 'again', true), null,
          'failing a job that is not running changes nothing');

delete from public.jobs where dedupe_key like 'notify:alert:dead_job:%';
select public.enqueue_job('probe', '{}', 'f:cap', null, 50, 3600);
update public.jobs set attempts = 20 where dedupe_key = 'f:cap';
select public.claim_jobs('w1', 1);
select public.fail_job((select id from public.jobs where dedupe_key = 'f:cap'), coalesce((select locked_by from public.jobs where dedupe_key = 'f:cap'), 'w1'), 'slow', true);
select is((select run_at - now() from public.jobs where dedupe_key = 'f:cap'), interval '6 hours',
          'the backoff is capped at six hours');

-- snooze_job ----------------------------------------------------------------------------------
select public.enqueue_job('probe', '{}', 's:a');
select public.claim_jobs('w1', 1);
select ok(public.snooze_job((select id from public.jobs where dedupe_key = 's:a'), now() + interval '1 minute'),
          'a running job can be snoozed');
select results_eq(
  $$select state, attempts, run_at - now() from public.jobs where dedupe_key = 's:a'$$,
  $$values ('queued', 0, interval '1 minute')$$,
  'snoozed: queued for later, the attempt not counted'
);

-- reap_stuck_jobs -----------------------------------------------------------------------------
delete from public.jobs;
select public.enqueue_job('probe', '{}', 'r:stuck', null, 2, 5);
select public.enqueue_job('probe', '{}', 'r:fresh', null, 2, 5);
select public.claim_jobs('w-dead', 2);
update public.jobs set locked_at = now() - interval '11 minutes' where dedupe_key = 'r:stuck';
select is(public.reap_stuck_jobs(), 1, 'a job locked longer than the limit is reaped');
select results_eq(
  $$select dedupe_key, state, last_error from public.jobs order by dedupe_key$$,
  $$values ('r:fresh', 'running', null::text),
           ('r:stuck', 'queued', 'worker stopped during the job (lock expired)')$$,
  'the reaped job counts a failed attempt and waits for its retry; a fresh one is left alone'
);
update public.jobs set state = 'running', attempts = 2, locked_at = now() - interval '1 hour' where dedupe_key = 'r:stuck';
select public.reap_stuck_jobs();
select is((select state from public.jobs where dedupe_key = 'r:stuck'), 'dead',
          'a job that kills its worker every time ends dead');
delete from public.jobs where dedupe_key like 'notify:alert:dead_job:%';

-- job_counts ----------------------------------------------------------------------------------
select public.enqueue_job('probe', '{}', 'c:q');
select results_eq(
  $$select kind, queued, running, done, dead from public.job_counts$$,
  $$values ('probe', 1, 1, 0, 1)$$,
  'counts per kind and state'
);

-- retry_job and permissions -------------------------------------------------------------------
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee"}';
select is((select count(*)::int from public.jobs), 3, 'a team member reads the jobs');
select is((select dead from public.job_counts where kind = 'probe'), 1, 'and their counts');
select throws_ok($$select public.retry_job((select id from public.jobs where dedupe_key = 'r:stuck'))$$,
                 '42501', 'only team admins can retry jobs', 'a member cannot retry a dead job');
select throws_ok($$insert into public.jobs (kind) values ('probe')$$, '42501', null,
                 'a team member cannot write jobs');
select throws_ok($$select public.enqueue_job('probe')$$, '42501', null, 'nor enqueue them');
select throws_ok($$select public.claim_jobs('sneaky')$$, '42501', null, 'nor claim them');

set local request.jwt.claims = '{"sub": "user_alex_rivera"}';
select results_eq(
  $$select state, attempts, last_error from public.retry_job((select id from public.jobs where dedupe_key = 'r:stuck'))$$,
  $$values ('queued', 0, 'worker stopped during the job (lock expired)')$$,
  'an admin queues a dead job again with fresh attempts'
);
select throws_ok($$select public.retry_job((select id from public.jobs where dedupe_key = 'c:q'))$$,
                 'P0002', 'no dead job with this id', 'only dead jobs can be retried');

set local role anon;
select throws_ok($$select count(*) from public.jobs$$, '42501', null, 'anon cannot read jobs');
reset role;

select * from finish();
rollback;
