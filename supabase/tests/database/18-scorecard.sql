begin;
create extension if not exists pgtap with schema extensions;
select plan(10);

delete from public.messages;
delete from public.conversations;
insert into public.customers (id, phone_number, name, company, email, need, lead_status) values
  ('00000000-0000-4000-8000-0000000018c1', '+15555551801', 'Full Lead', 'Co', 'a@b.co', 'a phone agent', 'qualified'),
  ('00000000-0000-4000-8000-0000000018c2', '+15555551802', 'Half Lead', null, null, null, 'new');
insert into public.conversations (id, call_sid, customer_id, from_number, to_number, status, started_at, ended_at,
                                  duration_seconds, escalated, outcome, cost_usd, satisfaction_score) values
  ('00000000-0000-4000-8000-0000000018a1', 'CA_sc1', '00000000-0000-4000-8000-0000000018c1', '+15555551801', '+15550000000',
   'completed', '2026-11-02 15:00Z', '2026-11-02 15:03Z', 180, true, 'escalated', 0.04, 5),
  ('00000000-0000-4000-8000-0000000018a2', 'CA_sc2', '00000000-0000-4000-8000-0000000018c2', '+15555551802', '+15550000000',
   'completed', '2026-11-03 15:00Z', '2026-11-03 15:01Z', 60, false, 'abandoned', 0.02, 3),
  ('00000000-0000-4000-8000-0000000018a3', 'CA_sc3', '00000000-0000-4000-8000-0000000018c2', '+15555551802', '+15550000000',
   'completed', '2026-11-04 15:00Z', '2026-11-04 15:02Z', 120, false, 'answered', 0.03, null);
insert into public.messages (conversation_id, turn, role, content, latency_ms, provider)
select '00000000-0000-4000-8000-0000000018a1', n, 'agent', 'x', n * 100, case when n = 10 then 'safe' else 'local' end
from generate_series(1, 10) n;

set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee"}';
select is(public.review_escalation('00000000-0000-4000-8000-0000000018a1', 'needed'), 'needed', 'a member marks a transfer as needed');
select throws_ok($$select public.review_escalation('00000000-0000-4000-8000-0000000018a2', 'needed')$$, '22023', null,
                 'a call that was not transferred can only be marked missed');
select public.review_escalation('00000000-0000-4000-8000-0000000018a3', 'missed');

select is(public.scorecard('2026-11-01Z', '2026-11-05Z') -> 'calls', '3'::jsonb, 'three calls in the period');
select results_eq(
  $$select (s ->> 'completion_rate')::numeric, (s ->> 'first_call_resolution')::numeric, (s ->> 'qualification_rate')::numeric,
           (s ->> 'field_completeness')::numeric, (s ->> 'escalations_right')::numeric, (s ->> 'escalations_missed')::numeric
    from public.scorecard('2026-11-01Z', '2026-11-05Z') s$$,
  $$values (66.7, 66.7, 50.0, 50.0, 100.0, 50.0)$$,
  'completion (abandoned is not complete), first-call resolution (a caller who rang again), qualification, completeness, escalations'
);
select results_eq(
  $$select (s ->> 'latency_p90_ms')::numeric, (s ->> 'provider_success')::numeric, (s ->> 'cost_per_call_usd')::numeric, (s ->> 'satisfaction')::numeric
    from public.scorecard('2026-11-01Z', '2026-11-05Z') s$$,
  $$values (910::numeric, 90.0, 0.03, 4.00)$$,
  'latency p90, provider success (the safe fallback is a failure), cost per call, satisfaction'
);
select is(public.scorecard('2026-10-01Z', '2026-10-05Z') ->> 'completion_rate', null, 'an empty period has no rates, not zeros');

update public.scorecard_targets set target = 50 where metric = 'completion_rate';
select is((select target from public.scorecard_targets where metric = 'completion_rate'), 85::numeric,
          'a member cannot change a target (the policy leaves it as it was)');
set local request.jwt.claims = '{"sub": "user_alex_rivera"}';
update public.scorecard_targets set target = 88, updated_by = 'user_alex_rivera' where metric = 'completion_rate';
reset role;
select is((select target from public.scorecard_targets where metric = 'completion_rate'), 88::numeric, 'an admin changes a target');
select is((select count(*)::int from public.scorecard_targets), 13, 'every figure has a target');
set local role anon;
select throws_ok($$select public.scorecard(now() - interval '1 day', now())$$, '42501', null, 'anon cannot read the scorecard');
reset role;

select * from finish();
rollback;
