begin;
create extension if not exists pgtap with schema extensions;
select plan(6);

select is(public.start_call('CA_before1', '+15555551801', '+15550000000', 'inbound') ->> 'created', 'true', 'a call to store turns on');

select throws_ok(
  $$select public.record_turn_before(clock_timestamp() - interval '1 ms', 'CA_before1', 1,
    '{"kind":"speech","text":"hello"}', 'Hi there.', '{}', '{}', '{}')$$,
  'P0001', 'turn answered without it', 'a turn past its answer-by moment is refused');
select is((select count(*)::int from public.messages m join public.conversations c on c.id = m.conversation_id
  where c.call_sid = 'CA_before1'), 0, 'and nothing of it is stored');

select is(public.record_turn_before(clock_timestamp() + interval '5 seconds', 'CA_before1', 1,
  '{"kind":"speech","text":"hello"}', 'Hi there.', '{}', '{}', '{}') ->> 'reply', 'Hi there.',
  'a turn in time is stored as record_turn stores it');
select is((select count(*)::int from public.messages m join public.conversations c on c.id = m.conversation_id
  where c.call_sid = 'CA_before1' and m.turn = 1), 2, 'the caller''s words and the reply');
select throws_ok(
  $$select public.record_turn_before(null, 'CA_before1', 2, '{"kind":"silence"}', 'x', '{}', '{}', '{}')$$,
  '22023', 'answer_by is required', 'a missing answer-by moment is refused');

select * from finish();
rollback;
