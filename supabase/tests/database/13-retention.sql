begin;
create extension if not exists pgtap with schema extensions;
select plan(10);

update public.automation_settings set retention_days = 30;
insert into public.conversations (call_sid, from_number, to_number, started_at, ended_at, duration_seconds, outcome,
                                  sentiment_score, summary, state, cost_usd) values
  ('CA_old', '+15555551301', '+15550000000', '2026-09-01 15:00Z', '2026-09-01 15:02Z', 120, 'answered', 0.4,
   'Asked about prices.', '{"slots": {"name": "Old Caller"}}', 0.02),
  ('CA_new', '+15555551302', '+15550000000', '2026-11-20 15:00Z', '2026-11-20 15:01Z', 60, 'answered', 0.1,
   'Asked about hours.', '{"slots": {}}', 0.01);
insert into public.messages (conversation_id, turn, role, content)
select id, t, r, 'words' from public.conversations, generate_series(0, 2) as t, unnest(array['caller', 'agent']) as r
where call_sid in ('CA_old', 'CA_new') and not (t = 0 and r = 'caller');
delete from public.call_analytics where day = '2026-09-01';
delete from public.jobs where state = 'done';
insert into public.jobs (kind, state, finished_at) values ('probe', 'done', '2026-11-01'), ('probe', 'done', '2026-11-24');
insert into public.notifications (kind, subject, body, dedupe_key, created_at)
values ('alert', 'old', 'old', 'ret:old', '2026-09-01'), ('alert', 'new', 'new', 'ret:new', '2026-11-24');

select is(public.apply_retention('2026-11-25 12:00Z') - 'cutoff',
  '{"messages_deleted": 5, "calls_cleared": 1, "recordings_deleted": 0, "jobs_deleted": 1, "notifications_deleted": 1}'::jsonb,
  'retention reports what it deleted');
select is_empty($$select * from public.messages m join public.conversations c on c.id = m.conversation_id
                  where c.call_sid = 'CA_old'$$, 'the old call''s transcript is deleted');
select is((select state from public.conversations where call_sid = 'CA_old'), '{}'::jsonb,
          'and the agent''s memory of it (names, details) too');
select results_eq(
  $$select duration_seconds, outcome, sentiment_score, summary, cost_usd from public.conversations where call_sid = 'CA_old'$$,
  $$values (120, 'answered', 0.40::numeric(3,2), 'Asked about prices.', 0.02::numeric(10,5))$$,
  'the call''s figures are kept'
);
select is((select total_calls from public.call_analytics where day = '2026-09-01'), 1,
          'a day not yet rolled up is rolled up before its transcripts go');
select is((select count(*)::int from public.messages m join public.conversations c on c.id = m.conversation_id
           where c.call_sid = 'CA_new'), 5, 'a recent transcript is kept');
select is((select count(*)::int from public.jobs where kind = 'probe' and state = 'done'), 1,
          'finished jobs older than two weeks are deleted');
select is((select subject from public.notifications where dedupe_key like 'ret:%'), 'new',
          'notifications older than the retention period are deleted');
select is(public.apply_retention('2026-11-25 12:00Z') - 'cutoff',
  '{"messages_deleted": 0, "calls_cleared": 0, "recordings_deleted": 0, "jobs_deleted": 0, "notifications_deleted": 0}'::jsonb,
  'a second run finds nothing more');
select is((select total_calls from public.refresh_call_analytics('2026-09-01')), 1,
          'the rollup of a retained day still counts its call');

select * from finish();
rollback;
