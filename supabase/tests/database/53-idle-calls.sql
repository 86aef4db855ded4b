begin;
create extension if not exists pgtap with schema extensions;
select plan(3);

delete from public.jobs;
insert into public.conversations (call_sid, from_number, to_number, started_at) values
  ('CA_idle1', '+15555551701', '+15550000000', now() - interval '2 hours'),
  ('CA_idle2', '+15555551702', '+15550000000', now() - interval '2 hours'),
  ('CA_idle3', '+15555551703', '+15550000000', now() - interval '5 minutes');
insert into public.conversations (call_sid, from_number, to_number, started_at, ended_at, status)
values ('CA_idle4', '+15555551704', '+15550000000', now() - interval '2 hours', now() - interval '1 hour', 'completed');
-- Call 2 is long but still talking.
insert into public.messages (conversation_id, turn, role, content, created_at)
select id, 1, 'caller', 'still here', now() - interval '1 minute' from public.conversations where call_sid = 'CA_idle2';

select is(public.enqueue_idle_call_checks(), 1, 'only the open call with nothing stored for half an hour');
select is((select payload ->> 'call_sid' from public.jobs where kind = 'close_idle_call'), 'CA_idle1', 'is checked');
select public.enqueue_idle_call_checks();
select is((select count(*)::int from public.jobs where kind = 'close_idle_call'), 1, 'once');

select * from finish();
rollback;
