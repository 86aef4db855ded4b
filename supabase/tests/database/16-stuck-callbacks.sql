begin;
create extension if not exists pgtap with schema extensions;
select plan(5);

insert into public.customers (id, phone_number, name) values
  ('00000000-0000-0000-0000-00000000c001', '+15555551601', 'Stuck Caller');
insert into public.scheduled_tasks (id, customer_id, task_type, scheduled_for, phone_number, status, attempts, max_attempts)
values
  ('00000000-0000-0000-0000-00000000a001', '00000000-0000-0000-0000-00000000c001', 'callback', now(), '+15555551601', 'in_progress', 1, 3),
  ('00000000-0000-0000-0000-00000000a002', '00000000-0000-0000-0000-00000000c001', 'callback', now(), '+15555551601', 'in_progress', 3, 3),
  ('00000000-0000-0000-0000-00000000a003', '00000000-0000-0000-0000-00000000c001', 'callback', now(), '+15555551601', 'in_progress', 1, 3);
-- Two were placed long ago and never heard of again; the third was placed just now.
alter table public.scheduled_tasks disable trigger scheduled_tasks_set_updated_at;
update public.scheduled_tasks set updated_at = now() - interval '2 hours'
where id in ('00000000-0000-0000-0000-00000000a001', '00000000-0000-0000-0000-00000000a002');
alter table public.scheduled_tasks enable trigger scheduled_tasks_set_updated_at;

select is(public.release_stuck_callbacks(), 2, 'two callbacks stuck in progress are released');
select is((select status from public.scheduled_tasks where id = '00000000-0000-0000-0000-00000000a001'), 'pending',
  'one with attempts left goes back to pending');
select is((select status from public.scheduled_tasks where id = '00000000-0000-0000-0000-00000000a002'), 'failed',
  'one with no attempts left fails');
select is((select status from public.scheduled_tasks where id = '00000000-0000-0000-0000-00000000a003'), 'in_progress',
  'a call placed just now is left alone');
select ok(exists (select 1 from cron.job where jobname = 'callbacks-release-stuck'), 'pg_cron runs it every ten minutes');

select * from finish();
rollback;
