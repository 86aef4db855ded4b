begin;
create extension if not exists pgtap with schema extensions;
select plan(100);

-- Fixtures, as the owner: the seed's team (Alex admin, Jordan and Sam members), a former member,
-- and one of everything a team member may read.
insert into public.team_members (user_id, name, phone, active) values ('user_former', 'Former', '+15550100009', false);
insert into public.customers (phone_number, name) values ('+15555550201', 'Pat Caller');
insert into public.conversations (call_sid, from_number, to_number, customer_id)
select 'CA_policy', '+15555550201', '+15550000000', id from public.customers where phone_number = '+15555550201';
insert into public.messages (conversation_id, turn, role, content)
select id, 0, 'agent', 'Hello' from public.conversations where call_sid = 'CA_policy';
insert into public.scheduled_tasks (customer_id, task_type, scheduled_for)
select id, 'callback', now() + interval '1 day' from public.customers where phone_number = '+15555550201';
-- The analytics rollup (pg_cron, every 10 minutes) may have written today's row already.
insert into public.call_analytics (day, total_calls) values (current_date, 1)
  on conflict (day) do update set total_calls = excluded.total_calls;

select policies_are('public', 'team_members', array[
  'Team members can read the team', 'Team admins can add team members',
  'Team admins can update team members', 'Team admins can remove team members'
]);
select policies_are('public', 'customers', array[
  'Team members can read customers', 'Team members can add customers',
  'Team members can update customers', 'Team admins can delete customers'
]);
select policies_are('public', 'agent_configs', array[
  'Team members can read agent configs', 'Team admins can add agent configs',
  'Team admins can update agent configs', 'Team admins can delete agent configs'
]);
select policies_are('public', 'conversations', array['Team members can read calls']);
select policies_are('public', 'messages', array['Team members can read transcripts']);
select policies_are('public', 'scheduled_tasks', array[
  'Team members can read scheduled tasks', 'Team members can schedule tasks', 'Team members can update scheduled tasks'
]);
select policies_are('public', 'knowledge_articles', array[
  'Team members can read the knowledge base', 'Team admins can add knowledge articles',
  'Team admins can update knowledge articles', 'Team admins can delete knowledge articles'
]);
select policies_are('public', 'call_analytics', array['Team members can read call analytics']);

select is_empty(
  $$select table_name, privilege_type from information_schema.role_table_grants
    where grantee = 'anon' and table_schema = 'public'$$,
  'anon holds no privilege on any table'
);
select is_empty(
  $$select p.oid::regprocedure from pg_proc p
    where p.pronamespace = 'public'::regnamespace and has_function_privilege('anon', p.oid, 'execute')$$,
  'anon can execute no function'
);
select is_empty(
  $$select table_name from information_schema.role_table_grants
    where grantee = 'authenticated' and table_schema = 'public' and privilege_type in ('TRUNCATE', 'REFERENCES', 'TRIGGER')$$,
  'signed-in users cannot truncate (which RLS does not cover) or hang triggers on tables'
);

-- anon ---------------------------------------------------------------------------------------
set local role anon;
set local request.jwt.claims = '{"role": "anon"}';

select throws_ok('select * from public.team_members', '42501', null, 'anon cannot read the team');
select throws_ok('select * from public.customers', '42501', null, 'anon cannot read customers');
select throws_ok('select * from public.agent_configs', '42501', null, 'anon cannot read agent configs');
select throws_ok('select * from public.conversations', '42501', null, 'anon cannot read calls');
select throws_ok('select * from public.messages', '42501', null, 'anon cannot read transcripts');
select throws_ok('select * from public.scheduled_tasks', '42501', null, 'anon cannot read scheduled tasks');
select throws_ok('select * from public.knowledge_articles', '42501', null, 'anon cannot read the knowledge base');
select throws_ok('select * from public.call_analytics', '42501', null, 'anon cannot read analytics');
select throws_ok($$insert into public.customers (phone_number) values ('+15555550299')$$, '42501', null,
  'anon cannot add customers');
select throws_ok($$select public.search_knowledge('hours')$$, '42501', null, 'anon cannot search the knowledge base');
select throws_ok($$select public.start_call('CA_anon', '+15555550299', '+15550000000')$$, '42501', null,
  'anon cannot start calls');
select throws_ok($$select public.set_hours_override('closed')$$, '42501', null, 'anon cannot change opening hours');

-- a signed-in stranger (valid JWT, not on the team) ---------------------------------------------
reset role;
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_stranger", "role": "authenticated"}';

select is(public.is_team_member(), false, 'a stranger is not a team member');
select is_empty('select * from public.team_members', 'a stranger sees no team');
select is_empty('select * from public.customers', 'a stranger sees no customers');
select is_empty('select * from public.agent_configs', 'a stranger sees no agent configs');
select is_empty('select * from public.conversations', 'a stranger sees no calls');
select is_empty('select * from public.messages', 'a stranger sees no transcripts');
select is_empty('select * from public.scheduled_tasks', 'a stranger sees no scheduled tasks');
select is_empty('select * from public.knowledge_articles', 'a stranger sees no knowledge base');
select is_empty('select * from public.call_analytics', 'a stranger sees no analytics');
select is_empty($$select * from public.search_knowledge('what are your hours')$$, 'a stranger finds nothing by search');
select throws_ok($$insert into public.customers (phone_number) values ('+15555550299')$$, '42501', null,
  'a stranger cannot add customers');
select throws_ok($$insert into public.scheduled_tasks (task_type, scheduled_for) values ('callback', now())$$, '42501', null,
  'a stranger cannot schedule tasks');
select throws_ok(
  $$insert into public.team_members (user_id, name, phone, role) values ('user_stranger', 'Me', '+15550100099', 'admin')$$,
  '42501', null, 'a stranger cannot add themselves to the team'
);
update public.customers set name = 'Hacked' where phone_number = '+15555550201';
select throws_ok($$select public.set_hours_override('closed')$$, '42501', 'only team admins can change opening hours',
  'a stranger cannot change opening hours');

reset role;
select is((select name from public.customers where phone_number = '+15555550201'), 'Pat Caller',
  'a stranger''s update changes nothing');

-- a former member (on the team, no longer active) ------------------------------------------------
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_former", "role": "authenticated"}';

select is(public.is_team_member(), false, 'an inactive member is not a team member');
select is_empty('select * from public.customers', 'an inactive member sees no customers');
select is_empty('select * from public.conversations', 'an inactive member sees no calls');

-- a member (Jordan) ----------------------------------------------------------------------------
reset role;
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee", "role": "authenticated"}';

select is(public.is_team_member(), true, 'Jordan is a team member');
select is(public.is_team_admin(), false, 'Jordan is not an admin');
select results_eq('select count(*)::int from public.team_members', array[4], 'a member reads the whole team');
select isnt_empty('select * from public.customers', 'a member reads customers');
select isnt_empty('select * from public.agent_configs', 'a member reads agent configs');
select isnt_empty('select * from public.conversations', 'a member reads calls');
select isnt_empty('select * from public.messages', 'a member reads transcripts');
select isnt_empty('select * from public.scheduled_tasks', 'a member reads scheduled tasks');
select isnt_empty('select * from public.knowledge_articles', 'a member reads the knowledge base');
select isnt_empty('select * from public.call_analytics', 'a member reads analytics');
select isnt_empty($$select * from public.search_knowledge('what are your hours')$$, 'a member can search the knowledge base');

select lives_ok($$insert into public.customers (phone_number, name) values ('+15555550202', 'Walk In')$$,
  'a member can add a customer');
select lives_ok($$update public.customers set lead_status = 'qualified' where phone_number = '+15555550201'$$,
  'a member can update a customer');
select lives_ok(
  $$insert into public.scheduled_tasks (customer_id, task_type, scheduled_for, assigned_to)
    select id, 'follow_up', now() + interval '2 days', 'user_jordan_lee' from public.customers where phone_number = '+15555550202'$$,
  'a member can schedule a task'
);
select lives_ok($$update public.scheduled_tasks set status = 'done' where task_type = 'callback'$$,
  'a member can update a task');
delete from public.customers where phone_number = '+15555550202';
update public.team_members set role = 'admin' where user_id = 'user_jordan_lee';
update public.agent_configs set greeting = 'Hacked' where is_active;
update public.knowledge_articles set body = 'Hacked';
select throws_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('x', 'B', 'Hi', 'Hi {name}', 'p', 'UTC', '{}')$$,
  '42501', null, 'a member cannot add agent configs'
);
select throws_ok(
  $$insert into public.team_members (user_id, name, phone) values ('user_friend', 'Friend', '+15550100098')$$,
  '42501', null, 'a member cannot add team members'
);
select throws_ok($$insert into public.knowledge_articles (title, body) values ('x', 'y')$$, '42501', null,
  'a member cannot add knowledge articles');
select throws_ok($$insert into public.conversations (call_sid, from_number, to_number) values ('CA_x', 'a', 'b')$$,
  '42501', null, 'a member cannot write calls');
select throws_ok($$update public.conversations set escalated = true$$, '42501', null, 'a member cannot change calls');
select throws_ok(
  $$insert into public.messages (conversation_id, turn, role) select id, 9, 'agent' from public.conversations$$,
  '42501', null, 'a member cannot write transcripts'
);
select throws_ok($$delete from public.scheduled_tasks$$, '42501', null, 'a member cannot delete tasks (they cancel them)');
select throws_ok($$insert into public.call_analytics (day) values ('2020-01-01')$$, '42501', null,
  'a member cannot write analytics');
select throws_ok('truncate public.customers', '42501', null, 'a member cannot truncate customers');
select throws_ok($$select public.set_hours_override('closed')$$, '42501', 'only team admins can change opening hours',
  'a member cannot change opening hours');
select throws_ok($$select public.start_call('CA_member', '+15555550299', '+15550000000')$$, '42501', null,
  'a member cannot start calls');
select throws_ok($$select public.record_turn('CA_policy', 1, '{}', 'x', '{}', '{}', '{}')$$, '42501', null,
  'a member cannot record turns');
select throws_ok($$select public.refresh_call_analytics(current_date)$$, '42501', null,
  'a member cannot run the analytics rollup');

reset role;
select is((select lead_status from public.customers where phone_number = '+15555550201'), 'qualified',
  'the member''s customer update landed');
select is((select status from public.scheduled_tasks where task_type = 'callback'), 'done',
  'the member''s task update landed');
select isnt_empty($$select 1 from public.customers where phone_number = '+15555550202'$$,
  'a member''s delete of a customer changes nothing');
select is((select role from public.team_members where user_id = 'user_jordan_lee'), 'member',
  'a member cannot make themselves admin');
select isnt((select greeting from public.agent_configs where is_active), 'Hacked',
  'a member''s update of the agent config changes nothing');
select is_empty($$select 1 from public.knowledge_articles where body = 'Hacked'$$,
  'a member''s update of the knowledge base changes nothing');

-- an admin (Alex) ------------------------------------------------------------------------------
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_alex_rivera", "role": "authenticated"}';

select is(public.is_team_admin(), true, 'Alex is an admin');
select lives_ok(
  $$insert into public.agent_configs (name, business_name, greeting, returning_greeting, system_prompt, timezone, business_hours)
    values ('draft', 'LegacyAI', 'Hello', 'Hello {name}', 'p', 'America/Chicago', '{"mon": [["08:00", "12:00"]]}')$$,
  'an admin can add an agent config'
);
select lives_ok($$update public.agent_configs set greeting = 'Hello there' where name = 'draft'$$,
  'an admin can update an agent config');
select lives_ok($$delete from public.agent_configs where name = 'draft'$$, 'an admin can delete an agent config');
select lives_ok($$select public.set_hours_override('closed')$$, 'an admin can change opening hours');
select lives_ok(
  $$insert into public.team_members (user_id, name, phone, topics) values ('user_new_hire', 'New Hire', '+15550100004', '{sales}')$$,
  'an admin can add a team member'
);
select lives_ok($$update public.team_members set active = false where user_id = 'user_new_hire'$$,
  'an admin can deactivate a team member');
select lives_ok($$delete from public.team_members where user_id = 'user_former'$$, 'an admin can remove a team member');
select lives_ok($$insert into public.knowledge_articles (title, body, tags) values ('Parking', 'We have no office to park at.', '{parking}')$$,
  'an admin can add a knowledge article');
select lives_ok($$update public.knowledge_articles set active = false where title = 'Parking'$$,
  'an admin can retire a knowledge article');
select lives_ok($$delete from public.knowledge_articles where title = 'Parking'$$, 'an admin can delete a knowledge article');
select lives_ok($$delete from public.customers where phone_number = '+15555550202'$$,
  'an admin can delete a customer who asked to be forgotten');
select throws_ok($$insert into public.conversations (call_sid, from_number, to_number) values ('CA_x', 'a', 'b')$$,
  '42501', null, 'not even an admin writes calls directly');
select throws_ok($$select public.start_call('CA_admin', '+15555550299', '+15550000000')$$, '42501', null,
  'an admin cannot start calls');

reset role;
select is((select hours_override from public.agent_configs where is_active), 'closed', 'the admin''s override landed');
select is_empty($$select 1 from public.agent_configs where name = 'draft'$$, 'the admin''s config delete landed');
select is((select active from public.team_members where user_id = 'user_new_hire'), false, 'the admin''s team update landed');
select is_empty($$select 1 from public.team_members where user_id = 'user_former'$$, 'the admin''s team delete landed');
select is_empty($$select 1 from public.knowledge_articles where title = 'Parking'$$, 'the admin''s article delete landed');
select is_empty($$select 1 from public.customers where phone_number = '+15555550202'$$, 'the admin''s customer delete landed');

-- the service role (Edge Functions) -------------------------------------------------------------
set local role service_role;
set local request.jwt.claims = '{"role": "service_role"}';

select isnt_empty('select * from public.conversations', 'the service role reads every call');
select lives_ok($$select public.start_call('CA_service', '+15555550203', '+15550000000')$$, 'the service role starts calls');
select lives_ok($$select public.set_hours_override(null)$$, 'the service role can change opening hours');
select lives_ok($$select public.refresh_call_analytics(current_date)$$, 'the service role runs the analytics rollup');

reset role;
select is((select hours_override from public.agent_configs where is_active), null, 'the service role''s override landed');

select * from finish();
rollback;
