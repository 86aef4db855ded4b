begin;
create extension if not exists pgtap with schema extensions;
select plan(32);

-- Calling hours: 8 AM to 9 PM in every zone the callee may be in (December: EST = UTC-5, PST = UTC-8).
select is(public.is_within_calling_hours('+12125550300', '2026-12-01 12:59Z'), false, 'New York at 7:59 AM: too early');
select is(public.is_within_calling_hours('+12125550300', '2026-12-01 13:00Z'), true, 'New York at 8:00 AM: allowed');
select is(public.is_within_calling_hours('+12125550300', '2026-12-02 01:59Z'), true, 'New York at 8:59 PM: allowed');
select is(public.is_within_calling_hours('+12125550300', '2026-12-02 02:00Z'), false, 'New York at 9:00 PM: too late');
select is(public.is_within_calling_hours('+13105550300', '2026-12-01 15:30Z'), false,
  'Los Angeles at 7:30 AM (10:30 in New York): the callee''s zone decides');
select is(public.is_within_calling_hours('+13105550300', '2026-12-02 04:30Z'), true, 'Los Angeles at 8:30 PM: allowed');
select is(public.callee_timezones('+15555550300'),
  array['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
  'a North American number of unknown zone may be in any contiguous zone');
select is(public.is_within_calling_hours('+15555550300', '2026-12-01 15:30Z'), false,
  'unknown zone: 10:30 AM Eastern is 7:30 AM Pacific, too early');
select is(public.is_within_calling_hours('+15555550300', '2026-12-02 01:30Z'), true,
  'unknown zone: 8:30 PM Eastern is allowed everywhere');
select is(public.callee_timezones('+442071234567'), array['America/New_York'],
  'a number outside North America: the business''s zone');

select is(public.callee_time_zone('+14155550300', 'Europe/Madrid'), 'Europe/Madrid', 'a stored zone (a lead''s) wins');
select is(public.next_calling_time('+14155550300', 'Europe/Madrid', '2026-12-01 06:00Z'), '2026-12-01 07:00Z'::timestamptz,
  'and calling hours follow it (8 AM in Madrid)');
insert into public.do_not_call (phone_number, reason) values ('+15555550309', 'listed directly');
select results_eq($$select source, phone_key = public.phone_key('+15555550309') from public.do_not_call
                    where phone_number = '+15555550309'$$, $$values ('team', true)$$,
  'a row inserted with only its number is the team''s, keyed by its hash');
insert into public.customers (phone_number, name, timezone) values ('+15555550301', 'Tz Caller', 'Europe/London');
select is(public.is_within_calling_hours('+15555550301', '2026-12-01 08:30Z'), true,
  'a time zone the team set for the customer wins over the number');
select throws_ok($$update public.customers set timezone = 'Mars/Olympus' where phone_number = '+15555550301'$$,
  '22023', 'invalid time zone', 'a customer''s time zone must be an IANA name');

select is(public.next_calling_time('+12125550300', null, '2026-12-02 03:00Z'), '2026-12-02 13:00Z'::timestamptz,
  'at 10 PM in New York the next calling time is 8 AM there');
select is(public.next_calling_time('+12125550300', null, '2026-12-01 14:07Z'), '2026-12-01 14:07Z'::timestamptz,
  'within hours the next calling time is now');

-- The do-not-call list.
select is(public.add_do_not_call('+15555550302', 'caller', 'asked on a call'), true, 'a number is added');
select is(public.add_do_not_call('+15555550302', 'team'), false, 'adding it again changes nothing');
select throws_ok($$select public.add_do_not_call('555-0303')$$, '22023', 'invalid phone number',
  'a number that is not E.164 is refused with a reason');
select is(public.outbound_call_check('+15555550302', '2026-12-01 18:00Z'),
  '{"allowed": false, "reason": "do_not_call", "next_at": null}'::jsonb, 'a listed number may never be dialled');
select is(public.outbound_call_check('+12125550300', '2026-12-02 03:00Z'),
  '{"allowed": false, "reason": "outside_calling_hours", "next_at": "2026-12-02T13:00:00+00:00"}'::jsonb,
  'outside calling hours the check says when');
select is((public.outbound_call_check('+12125550300', '2026-12-01 18:00Z')) ->> 'allowed', 'true',
  'a listed-free number within hours may be dialled');

update public.do_not_call set phone_number = null where phone_number = '+15555550302';
select ok(public.is_do_not_call('+15555550302'), 'with the number itself erased, the entry still refuses it');

-- Under RLS: a stranger cannot add; a member adds as the team and cannot remove a caller's request.
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_stranger", "role": "authenticated"}';
select throws_ok($$select public.add_do_not_call('+15555550304')$$, '42501', NULL, 'a stranger cannot add a number');
set local request.jwt.claims = '{"sub": "user_jordan_lee", "role": "authenticated"}';
select is(public.add_do_not_call('+15555550304', 'team', 'asked by email'), true, 'a team member adds a number');
select is((select added_by from public.do_not_call where phone_number = '+15555550304'), 'user_jordan_lee',
  'who added it is recorded');
delete from public.do_not_call where phone_key = public.phone_key('+15555550302');
select ok(public.is_do_not_call('+15555550302'), 'a caller''s own request cannot be removed by the team');
reset role;

-- A due callback is never dialled to a listed number, and waits outside calling hours.
insert into public.scheduled_tasks (id, task_type, scheduled_for, phone_number, status) values
  ('00000000-0000-0000-0000-0000000a0301', 'callback', now(), '+15555550304', 'in_progress');
select is(public.begin_callback_attempt('00000000-0000-0000-0000-0000000a0301') ->> 'reason', 'do not call',
  'the attempt refuses a listed number');
select results_eq($$select status, attempts from public.scheduled_tasks where id = '00000000-0000-0000-0000-0000000a0301'$$,
  $$values ('cancelled', 0)$$, 'the callback is cancelled without counting an attempt');

-- A callee for whom it is now the middle of the night (Etc/GMT zones cover every hour).
insert into public.customers (id, phone_number, timezone)
select '00000000-0000-0000-0000-0000000c0305', '+15555550305', name from pg_catalog.pg_timezone_names
where name ~ '^Etc/GMT[+-][0-9]+$' and (now() at time zone name)::time between time '01:00' and time '06:00' limit 1;
insert into public.scheduled_tasks (id, customer_id, task_type, scheduled_for, status) values
  ('00000000-0000-0000-0000-0000000a0302', '00000000-0000-0000-0000-0000000c0305', 'callback', now(), 'in_progress');
select is(public.begin_callback_attempt('00000000-0000-0000-0000-0000000a0302') ->> 'reason', 'outside calling hours',
  'at night in the callee''s zone the attempt waits');
select results_eq($$select status, attempts, scheduled_for = public.next_calling_time('+15555550305', null)
                    from public.scheduled_tasks where id = '00000000-0000-0000-0000-0000000a0302'$$,
  $$values ('pending', 0, true)$$, 'until the callee''s 8 AM, without counting an attempt');

select * from finish();
rollback;
