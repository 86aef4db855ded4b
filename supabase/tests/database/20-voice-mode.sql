begin;
create extension if not exists pgtap with schema extensions;
select plan(12);

select is((select voice_mode from public.agent_configs where is_active), 'relay', 'relay is the default voice mode');
select throws_ok($$update public.agent_configs set voice_mode = 'carrier pigeon' where is_active$$, '23514', null,
  'an unknown voice mode is refused');
select throws_ok($$update public.agent_configs set session_limit_seconds = 2 where is_active$$, '23514', null,
  'a session limit under 5 s is refused');

select public.start_call('CA_relay_mode', '+15555550811', '+15550100000');
select public.record_greeting('CA_relay_mode', 'Hello.');
select public.record_turn('CA_relay_mode', 1, '{"kind": "speech", "text": "What are your hours?"}',
  'We are open nine to six, Monday to Friday. Anything else?',
  '{"provider": "local", "latency_ms": 40, "first_token_ms": 12, "language": "en-US", "voice_mode": "relay"}',
  '{}', '{}');

select is((select voice_mode from public.conversations where call_sid = 'CA_relay_mode'), 'relay',
  'the turn records the call''s voice mode');
select results_eq(
  $$select m.role, m.first_token_ms, m.language, m.interrupted from public.messages m
    join public.conversations c on c.id = m.conversation_id
    where c.call_sid = 'CA_relay_mode' and turn = 1 order by role$$,
  $$values ('agent'::text, 12, 'en-US'::text, false), ('caller', null, 'en-US', false)$$,
  'time to first token on the reply, the language on both');

select ok(public.record_interruption('CA_relay_mode', 1, 'We are open nine to six,'),
  'an interruption after the turn was stored shortens the reply');
select results_eq(
  $$select content, interrupted from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.call_sid = 'CA_relay_mode' and turn = 1 and role = 'agent'$$,
  $$values ('We are open nine to six,'::text, true)$$,
  'the stored reply is exactly the part the caller heard, marked');
select ok(not public.record_interruption('CA_relay_mode', 1, 'We are'), 'a second interruption changes nothing');
select ok(not public.record_interruption('CA_relay_mode', 1, 'Something never said'),
  'text the agent did not say is not stored');
select ok(not public.record_interruption('CA_nobody', 1, 'x'), 'an unknown call changes nothing');

select public.record_turn('CA_relay_mode', 2, '{"kind": "speech", "text": "And weekends?"}', 'We are',
  '{"provider": "local", "latency_ms": 40, "interrupted": true}', '{}', '{}');
select is((select interrupted from public.messages m join public.conversations c on c.id = m.conversation_id
  where c.call_sid = 'CA_relay_mode' and turn = 2 and role = 'agent'), true,
  'a reply cut short before it was stored is stored marked');
select is((select count(*)::int from public.messages m join public.conversations c on c.id = m.conversation_id
  where c.call_sid = 'CA_relay_mode'), 5, 'every message once');

select * from finish();
rollback;
