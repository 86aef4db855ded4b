begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

-- A call the database never saw, as Twilio's Calls API lists it: opened once, closed as Twilio says.
select is(public.reconcile_call('CA' || repeat('a', 32), '+15555551801', '+15550000000', 'inbound', 'completed',
  now() - interval '10 minutes', now() - interval '8 minutes', 95) ->> 'created', 'true', 'a missed call is stored');
select is(public.reconcile_call('CA' || repeat('a', 32), '+15555551801', '+15550000000', 'inbound', 'completed',
  now() - interval '10 minutes', now() - interval '8 minutes', 95) ->> 'created', 'false', 'and only once');
select results_eq(
  $$select status, duration_seconds, reconciled_at is not null, ended_at = started_at + interval '2 minutes'
    from public.conversations where call_sid = 'CA' || repeat('a', 32)$$,
  $$values ('completed'::text, 95, true, true)$$,
  'with Twilio''s status, duration and times, marked as reconciled');
select is((select call_count from public.customers where phone_number = '+15555551801'), 1, 'the caller counted once');

-- A voicemail Twilio holds: one message task per RecordingSid, whatever the run.
select is(public.reconcile_voicemail('RE' || repeat('b', 32), 'CA' || repeat('a', 32), '+15555551801',
  'https://api.twilio.com/2010-04-01/Accounts/AC' || repeat('0', 32) || '/Recordings/RE' || repeat('b', 32), 31) ->> 'created',
  'true', 'a missed voicemail is stored');
select is(public.reconcile_voicemail('RE' || repeat('b', 32), 'CA' || repeat('a', 32), '+15555551801',
  'https://api.twilio.com/2010-04-01/Accounts/AC' || repeat('0', 32) || '/Recordings/RE' || repeat('b', 32), 31) ->> 'created',
  'false', 'and only once');
select throws_ok($$select public.reconcile_voicemail('RE' || repeat('b', 32), null, null, 'https://example.test/other', 1)$$,
  '22023', null, 'a URL that does not name the recording is refused');

-- The job, once per outage window; only the service role may ask for it.
select public.enqueue_reconciliation('2026-11-30 09:00Z', '2026-11-30 09:10Z');
select public.enqueue_reconciliation('2026-11-30 09:00Z', '2026-11-30 09:12Z');
select is((select count(*)::int from public.jobs where dedupe_key = 'reconcile_twilio:2026-11-30T09:00:00'), 1,
  'one job per window start');
select ok(not has_function_privilege('anon', 'public.reconcile_call(text, text, text, text, text, timestamptz, timestamptz, int)', 'execute')
  and not has_function_privilege('authenticated', 'public.enqueue_reconciliation(timestamptz, timestamptz)', 'execute'),
  'not callable from the browser');

select * from finish();
rollback;
