begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

-- Three analysed calls, one per mode; the analysis is what store_call_analysis stores.
create temp table said (content text);
insert into said values ('Hi, I''m Gil Mossberg, gil@mossberg.example, call me on 555 123 4567 about pricing');
insert into public.customers (id, phone_number, name) values
  ('00000000-0000-0000-0000-0000000c3040', '+15555553040', 'Gil Mossberg');
insert into public.conversations (id, call_sid, customer_id, from_number, to_number, state)
select ('00000000-0000-0000-0000-0000000d304' || n)::uuid, 'CA_mode_' || n, '00000000-0000-0000-0000-0000000c3040',
       '+15555553040', '+15550000000', '{"slots": {"name": "Gil Mossberg"}}'
from generate_series(1, 3) as n;
insert into public.messages (conversation_id, turn, role, content)
select c.id, 1, 'caller', s.content from public.conversations c, said s where c.call_sid like 'CA_mode_%';
insert into public.messages (conversation_id, turn, role, content)
select id, 1, 'agent', 'Thanks Gil, we''ll call 555-123-4567.' from public.conversations where call_sid like 'CA_mode_%';

create function pg_temp.analyse(p_call text) returns void language sql as $$
  select public.store_call_analysis((select id from public.conversations where call_sid = p_call),
    '{"summary": "Gil Mossberg (gil@mossberg.example) wants pricing.", "sentiment": 0.3, "lead_score": 60,
      "outcome": "lead_captured", "fields": {"name": "Gil Mossberg", "email": "gil@mossberg.example"}}')
$$;

update public.automation_settings set retention_mode = 'everything';
select pg_temp.analyse('CA_mode_1');
select is((select string_agg(content, ' | ' order by role) from public.messages m join public.conversations c
           on c.id = m.conversation_id where c.call_sid = 'CA_mode_1'),
  'Thanks Gil, we''ll call 555-123-4567. | ' || (select content from said), 'everything: the transcript is kept as said');

update public.automation_settings set retention_mode = 'no_pii';
select pg_temp.analyse('CA_mode_2');
select is((select content from public.messages m join public.conversations c on c.id = m.conversation_id
           where c.call_sid = 'CA_mode_2' and role = 'caller'),
  'Hi, I''m [name] [name], [email], call me on [number] about pricing', 'no_pii: names, emails and numbers are masked');
select is((select content from public.messages m join public.conversations c on c.id = m.conversation_id
           where c.call_sid = 'CA_mode_2' and role = 'agent'), 'Thanks [name], we''ll call [number].',
  'in the agent''s words too');
select results_eq($$select summary, analysis ? 'fields', state from public.conversations where call_sid = 'CA_mode_2'$$,
  $$values ('[name] [name] ([email]) wants pricing.', false, '{}'::jsonb)$$, 'and in the summary, analysis and memory');
select is((select lead_score from public.conversations where call_sid = 'CA_mode_2'), 60, 'the call''s figures stay');

update public.automation_settings set retention_mode = 'basic';
select pg_temp.analyse('CA_mode_3');
select is_empty($$select 1 from public.messages m join public.conversations c on c.id = m.conversation_id
                  where c.call_sid = 'CA_mode_3'$$, 'basic: no transcript is kept after analysis');
select results_eq($$select summary, analysis, outcome, sentiment_score::float, lead_score
                    from public.conversations where call_sid = 'CA_mode_3'$$,
  $$values (null::text, '{"mode": "basic", "outcome": "lead_captured", "sentiment": 0.3, "lead_score": 60}'::jsonb,
            'lead_captured', 0.3::float, 60)$$, 'only the basic attributes stay');

-- The retention period: old transcripts go and old recordings are deleted at Twilio; a run is logged.
delete from public.jobs where kind = 'delete_recording';
update public.automation_settings set retention_days = 30, retention_mode = 'everything';
insert into public.conversations (id, call_sid, from_number, to_number, started_at)
values ('00000000-0000-0000-0000-0000000d3049', 'CA_mode_old', '+15555553041', '+15550000000', now() - interval '40 days');
insert into public.messages (conversation_id, turn, role, content) values ('00000000-0000-0000-0000-0000000d3049', 0, 'agent', 'Hi');
insert into public.call_recordings (conversation_id, call_sid, recording_sid, status) values
  ('00000000-0000-0000-0000-0000000d3049', 'CA_mode_old', 'RE00000000000000000000000000003049', 'completed'),
  ('00000000-0000-0000-0000-0000000d3041', 'CA_mode_1', 'RE00000000000000000000000000003041', 'completed');
select is((public.apply_retention() ->> 'recordings_deleted')::int, 1, 'retention deletes the old call''s recording');
select is((select array_agg(payload ->> 'recording_sid') from public.jobs where kind = 'delete_recording'),
  array['RE00000000000000000000000000003049'], 'through a job per recording (never a recent one)');
select is_empty($$select 1 from public.messages where conversation_id = '00000000-0000-0000-0000-0000000d3049'$$,
  'and the old transcript');
select is((select removed ->> 'recordings_deleted' from public.retention_runs order by id desc limit 1), '1',
  'the run''s summary of what was removed is kept');
select is((public.apply_retention() ->> 'recordings_deleted')::int, 0, 'a second run deletes nothing twice');

select * from finish();
rollback;
