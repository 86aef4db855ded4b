begin;
create extension if not exists pgtap with schema extensions;
select plan(5);

-- Days are New York days: 03:00 UTC on the 25th is still the 24th there.
insert into public.conversations
  (call_sid, from_number, to_number, started_at, duration_seconds, escalated, outcome, sentiment_score, cost_usd) values
  ('CA_a1', '+15555550701', '+15550000000', '2026-11-24 15:00Z', 60, false, 'answered', 0.5, 0.01),
  ('CA_a2', '+15555550701', '+15550000000', '2026-11-24 16:00Z', 120, true, 'escalated', -0.5, 0.02),
  ('CA_a3', '+15555550702', '+15550000000', '2026-11-25 03:00Z', 30, false, 'abandoned', null, 0),
  ('CA_a4', '+15555550703', '+15550000000', '2026-11-25 15:00Z', 90, false, 'callback_booked', 0.2, 0.03);

select lives_ok($$select public.refresh_call_analytics('2026-11-24')$$, 'the rollup runs for a day');
select results_eq(
  $$select total_calls, resolved_calls, escalations, avg_duration_seconds, avg_sentiment, unique_callers, total_cost_usd
    from public.call_analytics where day = '2026-11-24'$$,
  $$values (3, 1, 1, 70.0::numeric, 0.00::numeric, 2, 0.03::numeric)$$,
  'the day''s figures: calls, resolved, escalated, averages, callers, cost'
);

insert into public.conversations (call_sid, from_number, to_number, started_at, outcome)
values ('CA_a5', '+15555550704', '+15550000000', '2026-11-24 20:00Z', 'lead_captured');
select lives_ok($$select public.refresh_call_analytics('2026-11-24')$$, 'the rollup runs again');
select results_eq(
  $$select count(*)::int, min(total_calls), min(resolved_calls) from public.call_analytics where day = '2026-11-24'$$,
  $$values (1, 4, 2)$$,
  'a second run updates the day in place'
);
select is((select total_calls from public.refresh_call_analytics('2026-11-25')), 1, 'the next day holds only its own calls');

select * from finish();
rollback;
