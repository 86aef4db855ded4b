-- The records match what the agent said: callbacks go to the person named or the topic's owner,
-- one open task per need per call, messages due when the team is next open, record_turn returns
-- what it committed, and a lead's score and status change only on evidence.
begin;
create extension if not exists pgtap with schema extensions;
select plan(19);

set local role service_role;
set local request.jwt.claims = '{"role": "service_role"}';

update public.agent_configs set
  timezone = 'America/New_York',
  business_hours = '{"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]],
                     "thu": [["09:00", "18:00"]], "fri": [["09:00", "18:00"]]}',
  holidays = '{2030-03-11}'
where is_active;

-- next_business_opening ------------------------------------------------------------------------
select is(public.next_business_opening(public.call_config(null), '2030-03-06 15:00Z'), '2030-03-06 15:00Z'::timestamptz,
  'open now: the opening is now (10 AM Wednesday in New York)');
select is(public.next_business_opening(public.call_config(null), '2030-03-06 23:30Z'), '2030-03-07 14:00Z'::timestamptz,
  'after closing: 9 AM the next morning');
select is(public.next_business_opening(public.call_config(null), '2030-03-08 23:30Z'), '2030-03-12 13:00Z'::timestamptz,
  'Friday evening: past the weekend and Monday''s holiday to Tuesday 9 AM (daylight time by then)');

-- callbacks: the person named, else the topic's owner --------------------------------------------
create temp table _step1 as select public.start_call('CA_kw1', '+15555551201', '+15550000000');
select is(
  public.record_turn('CA_kw1', 1, '{"kind": "speech", "text": "can someone call me about my bill"}', 'Booked.', '{}', '{}',
    '{"callback": {"at": "2030-03-06T14:00:00", "topic": "billing"}}') -> 'committed' -> 'callback' ->> 'assignee_name',
  'Sam Patel', 'a callback about billing is committed to the topic''s owner and record_turn says who');
select is(
  (select assigned_to || ' ' || topic from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
   where c.call_sid = 'CA_kw1'), 'user_sam_patel billing', 'the task holds the topic and its owner');
select is(
  public.record_turn('CA_kw1', 2, '{"kind": "speech", "text": "actually make it 3"}', 'Moved.', '{}', '{}',
    '{"callback": {"at": "2030-03-06T15:00:00"}}') -> 'committed' -> 'callback' ->> 'assigned_to',
  'user_sam_patel', 'moving the time keeps the person who was promised');
select is(
  (public.record_turn('CA_kw1', 3, '{"kind": "speech", "text": "can Jordan do it instead"}', 'Jordan will call.', '{}', '{}',
    '{"callback": {"at": "2030-03-06T15:00:00", "user_id": "user_jordan_lee"}}') -> 'committed' -> 'callback') ->> 'assignee_name',
  'Jordan Lee', 'a person named by the caller takes the callback');
select is(
  (select count(*)::int from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
   where c.call_sid = 'CA_kw1'), 1, 'still one callback for the call');
select is(
  public.record_turn('CA_kw1', 4, '{"kind": "speech", "text": "x"}', 'x', '{}', '{}',
    '{"callback": {"at": "2030-03-06T15:00:00", "user_id": "user_nobody", "topic": "setup"}}') -> 'committed' -> 'callback' ->> 'assigned_to',
  'user_jordan_lee', 'an unknown person falls back to the topic''s owner');

-- messages: one per need per call, due at the next opening ----------------------------------------
create temp table _step2 as select public.start_call('CA_kw2', '+15555551202', '+15550000000');
select is(
  public.record_turn('CA_kw2', 1, '{"kind": "speech", "text": "I want to cancel"}', 'I''ll pass it on.', '{}', '{}',
    '{"message": {"text": "Wants to cancel", "topic": "cancellation"}}') -> 'committed' -> 'message' ->> 'assignee_name',
  'Sam Patel', 'a message goes to the topic''s owner and record_turn says who');
select lives_ok($$select public.record_turn('CA_kw2', 2, '{"kind": "speech", "text": "please tell them I want to cancel"}',
    'Done.', '{}', '{}', '{"message": {"text": "Wants to cancel", "topic": "Cancellation"}}')$$,
  'the same request again is accepted');
select lives_ok($$select public.record_turn('CA_kw2', 3, '{"kind": "speech", "text": "and the invoice is wrong"}',
    'Noted.', '{}', '{}', '{"message": {"text": "Invoice wrong", "topic": "billing"}}')$$,
  'another need is accepted');
select results_eq(
  $$select t.topic, t.notes from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
    where c.call_sid = 'CA_kw2' and t.task_type = 'message' order by t.topic desc$$,
  $$values ('cancellation', 'Wants to cancel'), ('billing', 'Invoice wrong')$$,
  'one message per need: the repeated request made no second task');
select is(
  (select bool_and(t.scheduled_for = public.next_business_opening(public.call_config(null), t.created_at))
   from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id where c.call_sid = 'CA_kw2'),
  true, 'messages are due when the team is next open');

-- lead evidence ----------------------------------------------------------------------------------
insert into public.customers (phone_number, name, company, need, lead_score, lead_status)
values ('+15555551203', 'Priya Nair', 'Nair Physio', 'after-hours calls', 85, 'qualified');
create temp table _step3 as select public.start_call('CA_kw3', '+15555551203', '+15550000000');
create temp table _step4 as select public.finish_call('CA_kw3', 'completed', 4);
select is(
  public.store_call_analysis((select id from public.conversations where call_sid = 'CA_kw3'),
    '{"summary": "The caller hung up.", "sentiment": 0, "lead_score": 0, "outcome": "abandoned", "fields": {}}') ->> 'lead_evidence',
  'false', 'a hang-up is no evidence about the lead');
select results_eq(
  $$select lead_score, lead_status, name, company, need from public.customers where phone_number = '+15555551203'$$,
  $$values (85, 'qualified', 'Priya Nair', 'Nair Physio', 'after-hours calls')$$,
  'a call that says nothing new changes nothing: score, status and fields stay');
create temp table _step5 as select public.start_call('CA_kw4', '+15555551203', '+15550000000');
create temp table _step6 as select public.store_call_analysis((select id from public.conversations where call_sid = 'CA_kw4'),
  '{"summary": "Asked about hours.", "sentiment": 0.2, "lead_score": 10, "outcome": "answered", "fields": {"name": ""}, "lead_evidence": false}');
select is((select lead_score from public.customers where phone_number = '+15555551203'), 85,
  'a short question with no evidence leaves the score alone, even with blank fields found');
insert into public.customers (phone_number, lead_score) values ('+15555551204', 0);
create temp table _step7 as select public.start_call('CA_kw5', '+15555551204', '+15550000000');
create temp table _step8 as select public.store_call_analysis((select id from public.conversations where call_sid = 'CA_kw5'),
  '{"summary": "Wants a pilot next month.", "sentiment": 0.5, "lead_score": 82, "outcome": "lead_captured",
    "fields": {"need": "a pilot", "timeline": "next month"}}');
select results_eq(
  $$select lead_score, lead_status, need from public.customers where phone_number = '+15555551204'$$,
  $$values (82, 'qualified', 'a pilot')$$,
  'a call with evidence moves the score and qualifies the lead');
create temp table _step9 as select public.start_call('CA_kw6', '+15555551204', '+15550000000');
create temp table _step10 as select public.store_call_analysis((select id from public.conversations where call_sid = 'CA_kw6'),
  '{"summary": "No longer interested.", "sentiment": -0.2, "lead_score": 5, "outcome": "answered", "fields": {}, "lead_evidence": true}');
select results_eq(
  $$select lead_score, lead_status, need from public.customers where phone_number = '+15555551204'$$,
  $$values (5, 'qualified', 'a pilot')$$,
  'evidence can lower the score; fields are never blanked');

select * from finish();
rollback;
