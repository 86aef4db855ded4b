begin;
create extension if not exists pgtap with schema extensions;
select plan(11);

delete from public.jobs;
delete from public.messages;
delete from public.conversations;

create temp view alerts as
  select payload ->> 'alert' as alert, payload, dedupe_key from public.jobs where payload ->> 'kind' = 'alert';

select is(public.check_alerts(), '{}'::text[], 'a quiet hour raises no alert');

-- Provider failures: the active config asks for openai first; the last three turns were answered
-- by the fallback.
update public.agent_configs set providers = '{openai,local}' where is_active;
select public.start_call('CA_al1', '+15555551401', '+15550000000');
select public.record_turn('CA_al1', n, '{"kind": "speech", "text": "hello"}', 'Hi.', jsonb_build_object('provider', p), '{}', '{}')
from (values (1, 'openai'), (2, 'local'), (3, 'local')) as v(n, p);
select is(public.check_alerts(), '{}'::text[], 'two fallbacks in a row are not yet an alert');
select public.record_turn('CA_al1', 4, '{"kind": "speech", "text": "hello"}', 'Hi.', '{"provider": "local"}', '{}', '{}');
select is(public.check_alerts(), '{provider_failures}'::text[], 'three in a row are');
select results_eq($$select payload - 'kind' - 'alert', dedupe_key ~ '^notify:alert:provider_failures:' from alerts$$,
                  $$values ('{"turns": 3, "provider": "openai"}'::jsonb, true)$$,
                  'a notify job says how many turns and which provider');
select public.check_alerts();
select is((select count(*)::int from alerts), 1, 'the same alert is raised at most once an hour');

update public.agent_configs set providers = '{local}' where is_active;
delete from public.jobs;
select is(public.check_alerts(), '{}'::text[], 'with the local engine first, answering locally is no failure');
select public.record_turn('CA_al1', n, '{"kind": "speech", "text": "hello"}', 'Sorry.', '{"provider": "safe"}', '{}', '{}')
from generate_series(5, 7) as n;
select is(public.check_alerts(), '{provider_failures}'::text[], 'but three safe sentences in a row are');

-- Escalation rate over 50 % in the last hour (with at least 4 calls).
delete from public.jobs;
delete from public.messages;
delete from public.conversations;
insert into public.conversations (call_sid, from_number, to_number, started_at, escalated)
select 'CA_esc' || n, '+15555551402', '+15550000000', now() - n * interval '5 minutes', n <= 2
from generate_series(1, 4) as n;
select is(public.check_alerts(), '{}'::text[], 'half the calls escalated is not over half');
update public.conversations set escalated = true where call_sid = 'CA_esc3';
select is(public.check_alerts(), '{escalation_rate}'::text[], 'three of four is');
select is((select payload - 'kind' - 'alert' from alerts), '{"calls": 4, "escalated": 3}'::jsonb,
          'the alert carries the figures');

-- Hourly cost over budget.
delete from public.jobs;
update public.conversations set escalated = false;
update public.conversations set cost_usd = 3 where call_sid like 'CA_esc%';
select is(public.check_alerts(), '{hourly_cost}'::text[], 'an hour costing $12 against a $10 budget raises the cost alert');

select * from finish();
rollback;
