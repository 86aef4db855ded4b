begin;
create extension if not exists pgtap with schema extensions;
select plan(52);

select tables_are('public', array[
  'team_members', 'customers', 'agent_configs', 'conversations', 'messages',
  'scheduled_tasks', 'knowledge_articles', 'call_analytics', 'jobs', 'notifications', 'automation_settings',
  'do_not_call', 'area_code_time_zones', 'call_recordings', 'audit_log', 'data_requests', 'retention_runs',
  'lead_status_changes', 'scorecard_targets', 'satisfaction_surveys', 'rate_limit_windows',
  'campaigns', 'campaign_leads', 'meetings'
]);

select is_empty(
  $$select relname from pg_class
    where relnamespace = 'public'::regnamespace and relkind = 'r' and not relrowsecurity$$,
  'every table in public has row level security enabled'
);

select col_is_pk('public', 'team_members', 'user_id', 'team members are keyed by Clerk user id');
select col_type_is('public', 'team_members', 'user_id', 'text', 'Clerk user ids are text, not uuids');
select col_type_is('public', 'messages', 'id', 'bigint', 'messages have bigint identity ids');
select col_type_is('public', 'messages', 'actions', 'jsonb', 'agent messages keep their actions');
select col_type_is('public', 'knowledge_articles', 'search', 'tsvector', 'articles carry a search vector');
select has_index('public', 'knowledge_articles', 'knowledge_articles_search_idx', 'the search vector is indexed');
select col_type_is('public', 'conversations', 'cost_usd', 'numeric(10,5)', 'call cost has five decimals');
select col_is_pk('public', 'call_analytics', 'day', 'analytics have one row per day');

-- team_members
select throws_ok(
  $$insert into public.team_members (user_id, name, phone) values ('user_t1', 'T', '555-0100')$$,
  '23514', null, 'a team member phone must be E.164'
);
select throws_ok(
  $$insert into public.team_members (user_id, name, phone, role) values ('user_t1', 'T', '+15550109999', 'owner')$$,
  '23514', null, 'a team member is admin or member'
);
select lives_ok(
  $$insert into public.team_members (user_id, name, phone) values ('user_t1', 'T', '+15550109999')$$,
  'a team member with an E.164 phone can be added'
);
select results_eq(
  $$select role, topics, active from public.team_members where user_id = 'user_t1'$$,
  $$values ('member', '{}'::text[], true)$$,
  'a team member defaults to an active member without topics'
);

-- customers
select lives_ok(
  $$insert into public.customers (phone_number, email) values ('+15555550001', 'dana@orcharddental.com')$$,
  'a customer with an E.164 number and a lower-case email can be added'
);
select throws_ok(
  $$insert into public.customers (phone_number) values ('+15555550001')$$,
  '23505', null, 'one customer per phone number'
);
select throws_ok(
  $$insert into public.customers (phone_number) values ('anonymous')$$,
  '23514', null, 'a customer phone must be E.164'
);
select throws_ok(
  $$insert into public.customers (phone_number, email) values ('+15555550002', 'Dana@Orchard.com')$$,
  '23514', null, 'customer emails are stored lower-case'
);
select throws_ok(
  $$insert into public.customers (phone_number, email) values ('+15555550002', 'not an email')$$,
  '23514', null, 'a customer email must look like one'
);
select throws_ok(
  $$insert into public.customers (phone_number, lead_score) values ('+15555550002', 101)$$,
  '23514', null, 'lead score is 0 to 100'
);
select throws_ok(
  $$insert into public.customers (phone_number, sentiment_score) values ('+15555550002', -1.5)$$,
  '23514', null, 'sentiment is between -1 and 1'
);
select throws_ok(
  $$insert into public.customers (phone_number, lead_status) values ('+15555550002', 'hot')$$,
  '23514', null, 'lead status is one of the known stages'
);
select results_eq(
  $$select lead_status, call_count from public.customers where phone_number = '+15555550001'$$,
  $$values ('new', 0)$$,
  'a new customer is a new lead with no calls'
);

-- updated_at
update public.customers set created_at = now() - interval '1 day', updated_at = now() - interval '1 day'
where phone_number = '+15555550001';
update public.customers set name = 'Dana' where phone_number = '+15555550001';
select is(
  (select updated_at from public.customers where phone_number = '+15555550001'), now(),
  'updating a row stamps updated_at'
);

-- agent_configs
select throws_ok(
  $$insert into public.agent_configs (name, is_active, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('second', true, 'B', 'Hi', 'Hi {name}', 'p', 'UTC', '{}')$$,
  '23505', null, 'only one agent config is active'
);
select lives_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('spare', 'B', 'Hi', 'Hi {name}', 'p', 'Europe/Berlin', '{"sat": [["10:00", "14:00"]]}')$$,
  'an inactive agent config can sit beside the active one'
);
select results_eq(
  $$select voice, language, providers, turn_deadline_ms, max_silence_prompts, hours_override, monthly_budget_usd
    from public.agent_configs where name = 'spare'$$,
  $$values ('Polly.Joanna-Neural', 'en-US', '{local}'::text[], 4000, 2, null::text, 100::numeric)$$,
  'agent config defaults'
);
select throws_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('x', 'B', 'Hi', 'Hi {name}', 'p', 'Mars/Olympus_Mons', '{}')$$,
  '22023', 'invalid time zone', 'the time zone must be a real one'
);
select throws_ok(
  $$update public.agent_configs set timezone = 'Eastern' where name = 'spare'$$,
  '22023', 'invalid time zone', 'the time zone is checked on update too'
);
select throws_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('x', 'B', 'Hi', 'Welcome back', 'p', 'UTC', '{}')$$,
  '23514', null, 'the returning greeting has a {name} slot'
);
select throws_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('x', 'B', 'Hi', 'Hi {name}', 'p', 'UTC', '{"monday": [["09:00", "17:00"]]}')$$,
  '23514', null, 'business hours use three-letter day keys'
);
select throws_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('x', 'B', 'Hi', 'Hi {name}', 'p', 'UTC', '{"mon": [["9:00", "17:00"]]}')$$,
  '23514', null, 'business hours are zero-padded HH:MM'
);
select throws_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('x', 'B', 'Hi', 'Hi {name}', 'p', 'UTC', '{"mon": [["17:00", "09:00"]]}')$$,
  '23514', null, 'business hours open before they close'
);
select throws_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours, turn_deadline_ms)
    values ('x', 'B', 'Hi', 'Hi {name}', 'p', 'UTC', '{}', 15000)$$,
  '23514', null, 'the turn deadline stays inside Twilio''s 15 s'
);
select throws_ok(
  $$update public.agent_configs set hours_override = 'maybe' where name = 'spare'$$,
  '23514', null, 'the hours override is open, closed or null'
);

-- conversations and messages
insert into public.conversations (call_sid, from_number, to_number, customer_id)
select 'CA_t1', '+15555550001', '+15550000000', id from public.customers where phone_number = '+15555550001';
select results_eq(
  $$select direction, status, escalated, silence_count, last_turn, state, cost_usd
    from public.conversations where call_sid = 'CA_t1'$$,
  $$values ('inbound', 'in-progress', false, 0, 0, '{}'::jsonb, 0::numeric)$$,
  'a new conversation is an inbound call in progress with empty state'
);
select throws_ok(
  $$insert into public.conversations (call_sid, from_number, to_number) values ('CA_t1', 'x', 'y')$$,
  '23505', null, 'one conversation per CallSid'
);
select throws_ok(
  $$insert into public.conversations (call_sid, from_number, to_number, status) values ('CA_t2', 'x', 'y', 'queued')$$,
  '23514', null, 'call status is one Twilio ends a call with, or ringing / in-progress'
);
select throws_ok(
  $$insert into public.conversations (call_sid, from_number, to_number, outcome) values ('CA_t2', 'x', 'y', 'great')$$,
  '23514', null, 'outcome is one of the known outcomes'
);
insert into public.messages (conversation_id, turn, role, content)
select id, 0, 'agent', 'Hello' from public.conversations where call_sid = 'CA_t1';
select throws_ok(
  $$insert into public.messages (conversation_id, turn, role, content)
    select id, 0, 'agent', 'Hello again' from public.conversations where call_sid = 'CA_t1'$$,
  '23505', null, 'one message per call, turn and role'
);
select throws_ok(
  $$insert into public.messages (conversation_id, turn, role)
    select id, 1, 'system' from public.conversations where call_sid = 'CA_t1'$$,
  '23514', null, 'a message is said by the caller or the agent'
);
select throws_ok(
  $$insert into public.messages (conversation_id, turn, role, kind)
    select id, 1, 'caller', 'video' from public.conversations where call_sid = 'CA_t1'$$,
  '23514', null, 'a message kind is speech, digits, silence or text'
);

-- scheduled_tasks
insert into public.scheduled_tasks (conversation_id, task_type, scheduled_for)
select id, 'callback', now() + interval '1 day' from public.conversations where call_sid = 'CA_t1';
select throws_ok(
  $$insert into public.scheduled_tasks (conversation_id, task_type, scheduled_for)
    select id, 'callback', now() + interval '2 days' from public.conversations where call_sid = 'CA_t1'$$,
  '23505', null, 'a call has at most one pending callback'
);
update public.scheduled_tasks set status = 'done'
where conversation_id = (select id from public.conversations where call_sid = 'CA_t1');
select lives_ok(
  $$insert into public.scheduled_tasks (conversation_id, task_type, scheduled_for)
    select id, 'callback', now() + interval '2 days' from public.conversations where call_sid = 'CA_t1'$$,
  'a new callback can follow one that is done'
);
select throws_ok(
  $$insert into public.scheduled_tasks (task_type, scheduled_for, phone_number) values ('callback', now(), '5550100')$$,
  '23514', null, 'a task phone number must be E.164'
);
select throws_ok(
  $$insert into public.scheduled_tasks (task_type, scheduled_for) values ('meeting', now())$$,
  '23514', null, 'a task is a callback, follow-up or message'
);
select results_eq(
  $$select status, attempts, max_attempts from public.scheduled_tasks where status = 'pending'$$,
  $$values ('pending', 0, 3)$$,
  'a task starts pending with three attempts to go'
);

-- deleting a customer (a caller's right) takes their calls, transcripts and tasks with it
delete from public.customers where phone_number = '+15555550001';
select is_empty(
  $$select 1 from public.conversations where call_sid = 'CA_t1' union all select 1 from public.messages$$,
  'deleting a customer removes their conversations and messages'
);

-- live events
select trigger_is('public', 'conversations', 'conversations_notify_call_started', 'public', 'notify_call_event',
  'a new call is announced on call_events');
select trigger_is('public', 'conversations', 'conversations_notify_call_changed', 'public', 'notify_call_event',
  'a call that ends or changes what the live view shows is announced on call_events');
select is_empty(
  $$select tgname from pg_trigger where tgrelid = 'public.messages'::regclass and not tgisinternal
      and tgfoid = 'public.notify_call_event'::regproc$$,
  'recording a transcript line notifies nobody (no pg_notify on the per-turn commit path)'
);
select isnt_empty(
  $$select 1 from cron.job where jobname = 'call-analytics-rollup'$$,
  'pg_cron rolls up call analytics'
);

select * from finish();
rollback;
