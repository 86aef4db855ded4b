begin;
create extension if not exists pgtap with schema extensions;
select plan(6);

select public.start_call('CA' || repeat('a', 32), '+15555553601', '+15550100000', 'inbound');
select public.start_call('CA' || repeat('b', 32), '+15555553602', '+15550100000', 'inbound');

select is(public.book_meeting('CA' || repeat('a', 32), 'user_alex_rivera', date_trunc('hour', now()) + interval '2 days', 30, 'Demo', 'local') ->> 'ok',
  'true', 'a free slot is booked');
select is(public.book_meeting('CA' || repeat('b', 32), 'user_alex_rivera', date_trunc('hour', now()) + interval '2 days 15 minutes', 30, 'Demo', 'local'),
  '{"ok": false, "reason": "slot taken"}'::jsonb, 'an overlapping slot with the same member is refused');
select is(public.book_meeting('CA' || repeat('b', 32), 'user_jordan_lee', date_trunc('hour', now()) + interval '2 days', 30, 'Demo', 'local') ->> 'ok',
  'true', 'the same time with another member is fine');
select throws_ok($$insert into public.meetings (team_member_id, title, starts_at, ends_at, provider)
  values ('user_alex_rivera', 'Direct', date_trunc('hour', now()) + interval '2 days', date_trunc('hour', now()) + interval '2 days 30 minutes', 'local')$$,
  '23P01', null, 'the exclusion constraint holds for any writer, not only book_meeting');
update public.meetings set status = 'cancelled' where team_member_id = 'user_alex_rivera';
select is(public.book_meeting('CA' || repeat('b', 32), 'user_alex_rivera', date_trunc('hour', now()) + interval '2 days', 30, 'Demo', 'local') ->> 'ok',
  'true', 'a cancelled meeting frees its slot');
select is((select count(*)::int from public.jobs where kind = 'meeting_invite'
           and payload ->> 'meeting_id' in (select id::text from public.meetings where title = 'Demo')), 3,
  'each local booking enqueues its ICS invite');

select * from finish();
rollback;
