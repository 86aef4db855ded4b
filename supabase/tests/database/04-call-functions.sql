begin;
create extension if not exists pgtap with schema extensions;
select plan(94);

-- The webhooks call these as the service role.
set local role service_role;
set local request.jwt.claims = '{"role": "service_role"}';

select function_returns('public', 'start_call', array['text', 'text', 'text', 'text'], 'jsonb');
select function_returns('public', 'load_turn_context', array['text'], 'jsonb');
select function_returns('public', 'record_turn', array['text', 'integer', 'jsonb', 'text', 'jsonb', 'jsonb', 'jsonb'], 'jsonb');
select function_returns('public', 'record_greeting', array['text', 'text'], 'boolean');
select function_returns('public', 'finish_call', array['text', 'text', 'integer'], 'jsonb');
select function_returns('public', 'record_dial_result', array['text', 'text', 'integer'], 'jsonb');
select function_returns('public', 'set_hours_override', array['text'], 'jsonb');

-- start_call -----------------------------------------------------------------------------------
create temp table started as select public.start_call('CA_new', '+15555550401', '+15550000000') as r;
select is((select r ->> 'created' from started), 'true', 'the first start of a call creates it');
select is((select r -> 'customer' ->> 'phone_number' from started), '+15555550401', 'a new caller becomes a customer');
select is((select r ->> 'returning' from started), 'false', 'a first-time caller is not returning');
select is((select r -> 'config' ->> 'business_name' from started), 'LegacyAI', 'the call gets the active agent config');
select is((select jsonb_array_length(r -> 'team') from started), 3, 'the call gets the active team');
select ok((select r ? 'within_hours' from started), 'the call says whether the business is open');
select is(
  (select public.start_call('CA_new', '+15555550401', '+15550000000') ->> 'conversation_id'),
  (select r ->> 'conversation_id' from started),
  'a retried start returns the same conversation'
);
select is((select public.start_call('CA_new', '+15555550401', '+15550000000') ->> 'created'), 'false',
  'a retried start says it created nothing');
select results_eq(
  $$select count(*)::int, max(call_count) from public.customers join public.conversations c on c.customer_id = customers.id
    where phone_number = '+15555550401'$$,
  $$values (1, 1)$$,
  'retries neither duplicate the call nor count it twice'
);

insert into public.customers (phone_number, name, company, created_at, call_count)
values ('+15555550402', 'Elena Morales', 'Morales Landscaping', now() - interval '3 days', 2);
create temp table returning_start as select public.start_call('CA_back', '+15555550402', '+15550000000') as r;
select is((select r ->> 'returning' from returning_start), 'true', 'a caller known by name is returning');
select is((select r -> 'customer' ->> 'name' from returning_start), 'Elena Morales', 'the returning caller''s row comes back');
select is((select call_count from public.customers where phone_number = '+15555550402'), 3, 'a new call counts once');
select is((select public.start_call('CA_back', '+15555550402', '+15550000000') ->> 'returning'), 'true',
  'a retried start still knows the caller is returning');

select is((select public.start_call('CA_anon', 'anonymous', '+15550000000') -> 'customer'), 'null'::jsonb,
  'a withheld number gives no customer');
select is((select public.start_call('CA_client', 'client:alice', '+15550000000') -> 'customer'), 'null'::jsonb,
  'a client: caller gives no customer');
select is((select public.start_call('CA_stand_in', '+266696687', '+15550000000') -> 'customer'), 'null'::jsonb,
  'Twilio''s digits for an anonymous caller give no customer');
select is(
  (select public.start_call('CA_out', '+15550000000', '+15555550403', 'outbound') -> 'customer' ->> 'phone_number'),
  '+15555550403', 'on an outbound call the customer is the number called'
);
select throws_ok($$select public.start_call('CA_bad', '+15555550401', '+15550000000', 'sideways')$$,
  '22023', 'invalid direction', 'the direction is inbound or outbound');
select throws_ok($$select public.start_call('', '+15555550401', '+15550000000')$$,
  '22023', 'call_sid, from and to are required', 'a call needs its CallSid');

-- record_greeting ------------------------------------------------------------------------------
select is(public.record_greeting('CA_new', 'Thanks for calling LegacyAI.'), true, 'the greeting is recorded as turn 0');
select is(public.record_greeting('CA_new', 'Thanks for calling LegacyAI.'), false, 'a retried greeting is not');
select throws_ok($$select public.record_greeting('CA_nobody', 'Hi')$$, 'P0002', 'unknown call',
  'a greeting for an unknown call is refused');

-- record_turn ----------------------------------------------------------------------------------
select is(
  public.record_turn('CA_new', 1, '{"kind": "speech", "text": "Hi, I am Dana Whitfield", "confidence": 0.91}',
    'Nice to meet you, Dana. What company are you with?',
    '{"provider": "local", "latency_ms": 12.6, "tokens_in": 0, "tokens_out": 0, "cost_usd": 0.0015, "tools": ["capture_lead"]}',
    '{"slots": {"name": "Dana Whitfield"}}',
    '{"lead": {"name": "Dana Whitfield"}}'),
  '{"replayed": false, "reply": "Nice to meet you, Dana. What company are you with?", "actions": {"lead": {"name": "Dana Whitfield"}}, "committed": {}, "language": null}'::jsonb,
  'a turn is recorded and its reply returned'
);
select is(
  public.record_turn('CA_new', 1, '{"kind": "speech", "text": "Hi, I am Dana Whitfield"}', 'A different reply',
    '{"cost_usd": 1}', '{"slots": {}}', '{"transfer": {"user_id": "user_sam_patel"}}'),
  '{"replayed": true, "reply": "Nice to meet you, Dana. What company are you with?", "actions": {"lead": {"name": "Dana Whitfield"}}, "language": null}'::jsonb,
  'a retried turn replays the stored reply and actions'
);
select results_eq(
  $$select m.role, m.kind, m.content, m.confidence, m.provider, m.latency_ms, m.tools
    from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.call_sid = 'CA_new' and m.turn = 1 order by m.role$$,
  $$values ('agent', 'speech', 'Nice to meet you, Dana. What company are you with?', null::real, 'local', 13, '{capture_lead}'::text[]),
           ('caller', 'speech', 'Hi, I am Dana Whitfield', 0.91::real, null, null, null)$$,
  'the turn holds the caller''s words and the agent''s reply, once'
);
select results_eq(
  $$select state, last_turn, cost_usd, escalated from public.conversations where call_sid = 'CA_new'$$,
  $$values ('{"slots": {"name": "Dana Whitfield"}}'::jsonb, 1, 0.0015::numeric, false)$$,
  'the replay changed neither state, cost nor escalation'
);
select throws_ok($$select public.record_turn('CA_nobody', 1, '{"kind": "speech", "text": "hi"}', 'x', '{}', '{}', '{}')$$,
  'P0002', 'unknown call', 'a turn for an unknown call is refused');
select throws_ok($$select public.record_turn('CA_new', 0, '{"kind": "speech", "text": "hi"}', 'x', '{}', '{}', '{}')$$,
  '22023', 'invalid turn', 'turn 0 belongs to the greeting');
select throws_ok($$select public.record_turn('CA_new', 2, '{"kind": "video"}', 'x', '{}', '{}', '{}')$$,
  '22023', 'invalid input kind', 'the input kind is speech, digits, silence or text');
select throws_ok($$select public.record_turn('CA_new', 2, '{"kind": "speech", "text": "hi"}', 'x', '{}', '{}', '[]')$$,
  '22023', 'invalid actions', 'actions are an object');

-- silence and digits
select lives_ok($$select public.record_turn('CA_new', 2, '{"kind": "silence"}', 'Are you still there?', '{"cost_usd": 0.001}', '{}', '{}')$$,
  'a silent turn is recorded');
select lives_ok($$select public.record_turn('CA_new', 3, '{"kind": "silence"}', 'I can''t hear you.', '{}', '{}', '{}')$$,
  'a second silent turn is recorded');
select is((select silence_count from public.conversations where call_sid = 'CA_new'), 2, 'silences are counted');
select lives_ok($$select public.record_turn('CA_new', 4, '{"kind": "digits", "text": "1"}', 'OK.', '{}', '{}', '{}')$$,
  'a keypress turn is recorded');
select results_eq(
  $$select silence_count, last_turn, cost_usd from public.conversations where call_sid = 'CA_new'$$,
  $$values (0, 4, 0.0025::numeric)$$,
  'input resets the silence count; turns and cost add up'
);
select is(
  (select content from public.messages m join public.conversations c on c.id = m.conversation_id
   where c.call_sid = 'CA_new' and m.turn = 4 and m.role = 'caller'),
  '1', 'the digits are the caller''s words'
);

-- lead merge
select lives_ok(
  $$select public.record_turn('CA_new', 5, '{"kind": "speech", "text": "dana at orchard dental dot com"}', 'Got it.', '{}', '{}',
    '{"lead": {"email": " Dana@OrchardDental.com ", "company": "Orchard Dental", "name": null, "need": ""}}')$$,
  'a second lead capture is recorded'
);
select results_eq(
  $$select count(*)::int, min(name), min(company), min(email), min(need) from public.customers where phone_number = '+15555550401'$$,
  $$values (1, 'Dana Whitfield', 'Orchard Dental', 'dana@orcharddental.com', null::text)$$,
  'lead fields merge into the one customer row; empty values erase nothing; the email is normalised'
);
select lives_ok(
  $$select public.record_turn('CA_new', 6, '{"kind": "speech", "text": "my email is dana at"}', 'Sorry?', '{}', '{}',
    '{"lead": {"email": "dana at", "phone": "+1 (555) 555-0499"}}')$$,
  'a malformed email does not fail the turn'
);
select results_eq(
  $$select email, notes from public.customers where phone_number = '+15555550401'$$,
  $$values ('dana@orcharddental.com', 'Also reachable at +15555550499')$$,
  'a malformed email is ignored; a second number is noted for the team'
);
select lives_ok(
  $$select public.record_turn('CA_anon', 1, '{"kind": "speech", "text": "I am Tom, call me on 555 555 0402"}', 'Thanks Tom.', '{}', '{}',
    '{"lead": {"name": "Tom Becker", "phone": "+15555550402"}}')$$,
  'a caller with a withheld number gives their number'
);
select results_eq(
  $$select count(*)::int, min(name) from public.customers where phone_number = '+15555550402'$$,
  $$values (1, 'Elena Morales')$$,
  'a said number that is a customer''s changes nothing on that customer, and makes no second row'
);
select results_eq(
  $$select customer_id, claimed_customer_id = (select id from public.customers where phone_number = '+15555550402')
    from public.conversations where call_sid = 'CA_anon'$$,
  $$values (null::uuid, true)$$, 'the withheld-number call is not linked to it, only flagged with it'
);

-- callbacks
select lives_ok(
  $$select public.record_turn('CA_new', 7, '{"kind": "speech", "text": "tomorrow at 2"}', 'Booked.', '{}', '{}',
    '{"callback": {"at": "2030-03-05T14:00:00", "notes": "pricing", "topic": "pricing"}}')$$,
  'a callback is booked'
);
select results_eq(
  $$select task_type, to_char(scheduled_for at time zone 'America/New_York', 'YYYY-MM-DD HH24:MI'), phone_number, notes, assigned_to, t.status
    from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id where c.call_sid = 'CA_new'$$,
  $$values ('callback', '2030-03-05 14:00', '+15555550401', 'pricing', 'user_alex_rivera', 'pending')$$,
  'a time without an offset is the business''s local time; the callback goes to the caller''s number and the topic''s owner'
);
select lives_ok(
  $$select public.record_turn('CA_new', 8, '{"kind": "speech", "text": "make it 4"}', 'Moved.', '{}', '{}',
    '{"callback": {"at": "2030-03-05T21:00:00Z", "phone": "+15555550499"}}')$$,
  'the callback is moved'
);
select results_eq(
  $$select count(*)::int, min(scheduled_for), min(phone_number), min(notes), min(assigned_to)
    from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id where c.call_sid = 'CA_new'$$,
  $$values (1, '2030-03-05 21:00:00+00'::timestamptz, '+15555550499', 'pricing', 'user_alex_rivera')$$,
  'a second callback in the same call updates the first, keeping what it did not change'
);
select results_eq(
  $$select public.parse_callback_time(t) from unnest(array[
      '2030-03-05T19:00:00.000Z', '2030-03-05T14:00:00-05:00', '2030-03-05 14:00', '2030-07-05 14:00', 'tomorrow at 2'
    ]) with ordinality as u(t, i) order by i$$,
  $$values ('2030-03-05 19:00Z'::timestamptz), ('2030-03-05 19:00Z'), ('2030-03-05 19:00Z'), ('2030-07-05 18:00Z'), (null)$$,
  'callback times: ISO instants as given, local times in New York (DST included), words refused'
);
select throws_ok(
  $$select public.record_turn('CA_new', 9, '{"kind": "speech", "text": "whenever"}', 'OK.', '{}', '{}', '{"callback": {"at": "whenever"}}')$$,
  '22007', 'invalid callback time', 'a callback needs a time'
);
select is_empty(
  $$select 1 from public.messages m join public.conversations c on c.id = m.conversation_id where c.call_sid = 'CA_new' and m.turn = 9$$,
  'a refused turn leaves no trace'
);

-- messages for the team
select lives_ok(
  $$select public.record_turn('CA_back', 1, '{"kind": "speech", "text": "I was charged twice"}', 'I''ll pass that on.', '{}', '{}',
    '{"message": {"text": "Charged twice this month", "topic": "billing"}}')$$,
  'a message for the team is taken'
);
select results_eq(
  $$select task_type, notes, assigned_to, phone_number, scheduled_for = public.next_business_opening(public.call_config(null), now())
    from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id where c.call_sid = 'CA_back'$$,
  $$values ('message', 'Charged twice this month', 'user_sam_patel', '+15555550402', true)$$,
  'the message goes to the topic''s owner, due when the team is next open'
);

-- transfers
select throws_ok(
  $$select public.record_turn('CA_back', 2, '{"kind": "speech", "text": "call my cousin"}', 'Connecting you.', '{}', '{}',
    '{"transfer": {"phone": "+19005550123"}}')$$,
  '22023', 'unknown transfer target', 'only team numbers can be dialled'
);
select throws_ok(
  $$select public.record_turn('CA_back', 2, '{"kind": "speech", "text": "x"}', 'Connecting you.', '{}', '{}',
    '{"transfer": {"user_id": "user_alex_rivera", "phone": "+15550100003"}}')$$,
  '22023', 'unknown transfer target', 'a transfer''s user and phone must agree'
);
select lives_ok(
  $$select public.record_turn('CA_back', 2, '{"kind": "speech", "text": "Yes please"}', 'Connecting you to Sam.', '{}', '{}',
    '{"transfer": {"user_id": "user_sam_patel", "phone": "+15550100003", "topic": "billing"}}')$$,
  'a transfer to a team member is recorded'
);
select results_eq(
  $$select escalated, transferred_to, outcome from public.conversations where call_sid = 'CA_back'$$,
  $$values (true, '+15550100003', 'escalated')$$,
  'a transfer escalates the call'
);

-- record_dial_result ---------------------------------------------------------------------------
select is(
  public.record_dial_result('CA_back', 'no-answer', 0) - 'conversation_id',
  '{"transfer_status": "no-answer", "transferred_to": "+15550100003", "answered": false}'::jsonb,
  'a dial result is recorded'
);
select throws_ok($$select public.record_dial_result('CA_nobody', 'busy', 0)$$, 'P0002', 'unknown call',
  'a dial result for an unknown call is refused');
select throws_ok($$select public.record_dial_result('CA_back', 'maybe', 0)$$, '22023', 'invalid dial status',
  'a dial status is one Twilio sends');

select lives_ok(
  $$select public.record_turn('CA_back', 3, '{"kind": "event", "text": "dial no-answer"}', 'Sam is not available. Can I take a message?',
    '{}', '{}', '{}')$$,
  'an event turn (the transfer ended) is recorded'
);
select results_eq(
  $$select m.role from public.messages m join public.conversations c on c.id = m.conversation_id
    where c.call_sid = 'CA_back' and m.turn = 3$$,
  $$values ('agent')$$,
  'an event turn has the agent''s reply and no caller words'
);
select is(
  public.record_turn('CA_back', 3, '{"kind": "event", "text": "dial no-answer"}', 'Another reply', '{}', '{}', '{}') ->> 'reply',
  'Sam is not available. Can I take a message?',
  'a retried event turn replays'
);

-- record_voicemail (the fallback path) -----------------------------------------------------------
select is(
  public.record_voicemail('CA_db_was_down', '+15555550405', 'https://api.twilio.com/rec/RE1', 14) - 'task_id' - 'customer_id',
  '{"created": true, "conversation_id": null}'::jsonb,
  'a voicemail for a call the database never saw is kept'
);
select is(
  public.record_voicemail('CA_db_was_down', '+15555550405', 'https://api.twilio.com/rec/RE1', 14) ->> 'created', 'false',
  'a retried voicemail is kept once'
);
select is((select call_count from public.customers where phone_number = '+15555550405'), 1,
  'the unseen call is counted once');
select results_eq(
  $$select t.task_type, t.notes, t.phone_number, t.assigned_to, c.phone_number
    from public.scheduled_tasks t join public.customers c on c.id = t.customer_id
    where t.notes like '%RE1'$$,
  $$values ('message', 'Voicemail (14 s): https://api.twilio.com/rec/RE1', '+15555550405', 'user_alex_rivera', '+15555550405')$$,
  'the voicemail is a message task for the default team member, on the caller''s customer row'
);
select lives_ok($$select public.start_call('CA_vm', '+15555550406', '+15550000000')$$, 'a call starts');
select isnt(
  public.record_voicemail('CA_vm', '+15555550406', 'https://api.twilio.com/rec/RE2', null) ->> 'conversation_id', null,
  'a voicemail on a known call is linked to it'
);
select is(public.finish_call('CA_vm', 'completed', 40) ->> 'outcome', 'message_taken', 'a call that left a message');

-- load_turn_context ----------------------------------------------------------------------------
create temp table context as select public.load_turn_context('CA_back') as r;
select is((select r -> 'conversation' ->> 'transfer_status' from context), 'no-answer', 'the context has the call');
select is((select r -> 'customer' ->> 'name' from context), 'Elena Morales', 'the context has the customer');
select is(
  (select jsonb_agg(jsonb_build_array(e ->> 'turn', e ->> 'role')) from context, jsonb_array_elements(r -> 'history') as e),
  '[["1", "caller"], ["1", "agent"], ["2", "caller"], ["2", "agent"], ["3", "agent"]]'::jsonb,
  'the history is in order, the caller before the agent in each turn'
);
select ok((select r ? 'config' and r ? 'team' and r ? 'within_hours' from context), 'the context has config, team and hours');
select throws_ok($$select public.load_turn_context('CA_nobody')$$, 'P0002', 'unknown call', 'an unknown call has no context');

-- finish_call ----------------------------------------------------------------------------------
select is(
  public.finish_call('CA_new', 'in-progress', null) ->> 'reason', 'call in progress',
  'an in-progress status does not close a call'
);
select is(
  public.finish_call('CA_new', 'completed', 95) - 'conversation_id',
  '{"closed": true, "status": "completed", "outcome": "callback_booked", "duration_seconds": 95}'::jsonb,
  'a completed call is closed, with its outcome'
);
select is(
  public.finish_call('CA_new', 'completed', 120) ->> 'reason', 'already closed',
  'closing a call twice is a no-op'
);
select is(
  public.finish_call('CA_new', 'ringing', null) ->> 'closed', 'false',
  'a late ringing status for a closed call is ignored'
);
select results_eq(
  $$select status, duration_seconds, ended_at = now() from public.conversations where call_sid = 'CA_new'$$,
  $$values ('completed', 95, true)$$,
  'late and repeated statuses changed nothing'
);
select is(
  public.finish_call('CA_never_answered', 'completed', 3),
  '{"closed": false, "reason": "unknown call"}'::jsonb,
  'a status for a call we never answered is reported, not an error'
);
select throws_ok($$select public.finish_call('CA_new', 'exploded', 1)$$, '22023', 'invalid call status',
  'a call status is one Twilio sends');
select is(public.finish_call('CA_back', 'completed', 60) ->> 'outcome', 'escalated', 'a transferred call ends escalated');
select is(public.finish_call('CA_anon', 'completed', 30) ->> 'outcome', 'lead_captured', 'a call that captured a lead');
select is(public.finish_call('CA_client', 'no-answer', null) ->> 'outcome', 'abandoned', 'a call with no caller words is abandoned');
select lives_ok(
  $$select public.record_turn('CA_out', 1, '{"kind": "speech", "text": "What are your hours?"}', 'Nine to six.', '{}', '{}', '{}')$$,
  'a plain question'
);
select is(public.finish_call('CA_out', 'completed', null) ->> 'outcome', 'answered', 'a call that only asked questions was answered');
select is((select duration_seconds from public.conversations where call_sid = 'CA_out'), 0,
  'without a duration, it is measured from the start');

select * from finish();
rollback;
