begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

delete from public.jobs where kind = 'start_recording';
insert into public.conversations (call_sid, from_number, to_number, agent_config_id)
select sid, '+15555553010', '+15550000000', (select id from public.agent_configs where is_active)
from unnest(array['CA_consent_off', 'CA_consent_yes', 'CA_consent_no', 'CA_consent_ann']) as sid;

select col_default_is('public', 'agent_configs', 'recording_mode', 'off', 'recording is off unless the team turns it on');
select throws_ok($$select public.record_recording_consent('CA_consent_off', 'announced')$$, '22023',
  'consent answer does not fit the recording mode', 'with recording off no consent can start one');

update public.agent_configs set recording_mode = 'ask' where is_active;
select throws_ok($$select public.record_recording_consent('CA_consent_yes', 'announced')$$, '22023', NULL,
  'in ask mode an announcement is no consent');
select is(public.record_recording_consent('CA_consent_no', 'declined') ->> 'consent', 'declined', 'a no is stored');
select ok((select recording_consent_at is not null from public.conversations where call_sid = 'CA_consent_no'),
  'with its time');
select is_empty($$select 1 from public.jobs where kind = 'start_recording'
                 and payload ->> 'conversation_id' = (select id::text from public.conversations where call_sid = 'CA_consent_no')$$,
  'consent declined: no recording job');
select is(public.begin_recording((select id from public.conversations where call_sid = 'CA_consent_no')) ->> 'reason',
  'no consent', 'and the recording step refuses the call');
select is(public.record_recording_consent('CA_consent_no', 'given') ->> 'consent', 'declined',
  'a later yes does not turn a no into consent');

select is(public.record_recording_consent('CA_consent_yes', 'given') ->> 'consent', 'given', 'a yes is stored');
select is((select count(*)::int from public.jobs where kind = 'start_recording'
           and payload ->> 'conversation_id' = (select id::text from public.conversations where call_sid = 'CA_consent_yes')),
  1, 'and the recording job is queued with it');
select is(public.begin_recording((select id from public.conversations where call_sid = 'CA_consent_yes')) ->> 'call_sid',
  'CA_consent_yes', 'the recording step allows the consenting call once');

update public.agent_configs set recording_mode = 'announce' where is_active;
select is(public.record_recording_consent('CA_consent_ann', 'announced') ->> 'consent', 'announced',
  'in announce mode the announcement is the condition');

select * from finish();
rollback;
