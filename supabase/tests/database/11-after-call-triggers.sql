begin;
create extension if not exists pgtap with schema extensions;
select plan(38);

delete from public.jobs;

create temp view job_list as
  select kind, payload, dedupe_key, run_at - now() as delay from public.jobs order by id;

-- A call closes: analysis is queued in the same transaction ------------------------------------
select public.start_call('CA_t1', '+15555551101', '+15550000000');
select public.record_turn('CA_t1', 1, '{"kind": "speech", "text": "What are your hours?"}', 'Nine to six.', '{}', '{}', '{}');
select is_empty($$select * from public.jobs where kind = 'analyse_call'$$, 'nothing is queued while the call goes on');

savepoint before_close;
select public.finish_call('CA_t1', 'completed', 42);
select results_eq(
  $$select kind, payload ->> 'conversation_id', dedupe_key from public.jobs where kind = 'analyse_call'$$,
  $$select 'analyse_call', id::text, 'analyse_call:' || id from public.conversations where call_sid = 'CA_t1'$$,
  'closing the call queues its analysis, keyed by the conversation'
);
rollback to savepoint before_close;
select is_empty($$select * from public.jobs where kind = 'analyse_call'$$,
                'a close that rolls back leaves no job (the job is part of the change)');

select public.finish_call('CA_t1', 'completed', 42);
select public.finish_call('CA_t1', 'completed', 42);
select is((select count(*)::int from public.jobs where kind = 'analyse_call'), 1,
          'a retried status callback queues nothing more');

-- A lead: the first time a customer has a name or an email --------------------------------------
delete from public.jobs;
select public.start_call('CA_t2', '+15555551102', '+15550000000');
select public.record_turn('CA_t2', 1, '{"kind": "speech", "text": "I am Dana"}', 'Hi Dana.', '{}', '{}',
                          '{"lead": {"name": "Dana Whitfield"}}');
select set_eq(
  $$select kind, payload - 'customer_id' as p, dedupe_key ~ '^(notify:new_lead|crm_sync:lead\.captured):' as keyed from public.jobs$$,
  $$values ('notify', '{"kind": "new_lead"}'::jsonb, true), ('crm_sync', '{"event": "lead.captured"}'::jsonb, true)$$,
  'a captured lead queues the new-lead notification and the CRM sync'
);
select ok((select bool_and(payload ->> 'customer_id' = (select id::text from public.customers where phone_number = '+15555551102'))
           from public.jobs), 'both name the customer');
select public.record_turn('CA_t2', 2, '{"kind": "speech", "text": "dana at orchard dot com"}', 'Thanks.', '{}', '{}',
                          '{"lead": {"email": "dana@orchard.com", "company": "Orchard Dental"}}');
select is((select count(*)::int from public.jobs), 2, 'more lead fields later in the call queue nothing more');

-- Lead jobs wait for the call to end; closing the call wakes them.
update public.jobs set run_at = now() + interval '1 minute';
select public.finish_call('CA_t2', 'completed', 90);
select is((select count(*)::int from public.jobs where kind in ('notify', 'crm_sync') and run_at <= now()), 2,
          'the end of the lead''s call wakes its waiting notification and CRM sync');

delete from public.jobs;
insert into public.customers (phone_number) values ('+15555551103');
select is_empty($$select * from public.jobs$$, 'a customer with only a number is not a lead');
insert into public.customers (phone_number, email) values ('+15555551104', 'kim@example.com');
select is((select count(*)::int from public.jobs), 2, 'a customer added with an email is a lead');

-- An escalation nobody answered ----------------------------------------------------------------
delete from public.jobs;
select public.start_call('CA_t3', '+15555551105', '+15550000000');
select public.record_turn('CA_t3', 1, '{"kind": "speech", "text": "I want a person"}', 'Connecting you.', '{}', '{}',
                          '{"transfer": {"user_id": "user_sam_patel"}}');
select public.record_dial_result('CA_t3', 'completed', 30);
select is_empty($$select * from public.jobs where payload ->> 'kind' = 'unanswered_escalation'$$,
                'an answered transfer is no news');
select public.start_call('CA_t4', '+15555551106', '+15550000000');
select public.record_turn('CA_t4', 1, '{"kind": "speech", "text": "I want a person"}', 'Connecting you.', '{}', '{}',
                          '{"transfer": {"user_id": "user_sam_patel"}}');
select public.record_dial_result('CA_t4', 'no-answer', 0);
select results_eq(
  $$select payload - 'conversation_id', delay from job_list where payload ->> 'kind' = 'unanswered_escalation'$$,
  $$values ('{"kind": "unanswered_escalation"}'::jsonb, interval '0')$$,
  'a transfer nobody answered queues a notification at once'
);
select public.finish_call('CA_t4', 'completed', 60);
select is((select count(*)::int from public.jobs where payload ->> 'kind' = 'unanswered_escalation'), 1,
          'closing that call does not queue it twice');
select public.start_call('CA_t5', '+15555551107', '+15550000000');
select public.record_turn('CA_t5', 1, '{"kind": "speech", "text": "A person please"}', 'Connecting you.', '{}', '{}',
                          '{"transfer": {"user_id": "user_sam_patel"}}');
select public.finish_call('CA_t5', 'completed', 20);
select is((select delay from job_list where payload ->> 'kind' = 'unanswered_escalation'
           and payload ->> 'conversation_id' = (select id::text from public.conversations where call_sid = 'CA_t5')),
          interval '2 minutes', 'a call that closes mid-transfer waits two minutes for its dial result');

-- A message left for the team -------------------------------------------------------------------
delete from public.jobs;
select public.start_call('CA_t6', '+15555551108', '+15550000000');
select public.record_turn('CA_t6', 1, '{"kind": "speech", "text": "Tell Sam to call me"}', 'I will.', '{}', '{}',
                          '{"message": {"text": "Please call me about my invoice", "topic": "billing"}}');
select results_eq(
  $$select payload ->> 'kind', payload ->> 'task_id' from public.jobs$$,
  $$select 'message_left', id::text from public.scheduled_tasks where task_type = 'message'
      and conversation_id = (select id from public.conversations where call_sid = 'CA_t6')$$,
  'a message left queues a notification naming the task'
);

-- Due callbacks (pg_cron each minute) ----------------------------------------------------------
delete from public.jobs;
update public.scheduled_tasks set status = 'cancelled' where task_type = 'callback' and status = 'pending';
insert into public.customers (phone_number, name) values ('+15555551109', 'Ravi Shah');
insert into public.scheduled_tasks (customer_id, task_type, scheduled_for, phone_number, notes, max_attempts)
select id, 'callback', now() - interval '1 minute', '+15555551109', 'pgTAP: pricing for two locations', 2
from public.customers where phone_number = '+15555551109';
insert into public.scheduled_tasks (customer_id, task_type, scheduled_for, phone_number)
select id, 'callback', now() + interval '1 day', '+15555551109' from public.customers where phone_number = '+15555551109';
delete from public.jobs;

select is(public.enqueue_due_callbacks(), 1, 'one callback is due');
select results_eq(
  $$select t.status, j.kind, j.payload ->> 'task_id' = t.id::text, j.max_attempts
    from public.scheduled_tasks t join public.jobs j on j.payload ->> 'task_id' = t.id::text
    where t.notes = 'pgTAP: pricing for two locations'$$,
  $$values ('in_progress', 'place_callback', true, 3)$$,
  'the due callback is taken and gets a place_callback job'
);
select is(public.enqueue_due_callbacks(), 0, 'the next minute takes it no second time');
select is((select status from public.scheduled_tasks where scheduled_for > now() and phone_number = '+15555551109'),
          'pending', 'a callback not yet due is left alone');

create temp view cb as select * from public.scheduled_tasks where notes = 'pgTAP: pricing for two locations';

select is(public.callback_job_context((select id from cb)) -> 'customer' ->> 'name', 'Ravi Shah',
          'the job''s context has the customer');
select ok(public.defer_callback((select id from cb), now() + interval '14 hours'), 'outside hours it is deferred');
select results_eq($$select status, scheduled_for - now(), attempts from cb$$,
                  $$values ('pending', interval '14 hours', 0)$$, 'pending again at the opening, no attempt counted');
update public.scheduled_tasks set status = 'in_progress' where id = (select id from cb);

select is(public.begin_callback_attempt((select id from cb), '2026-11-25 18:00Z'), '{"ok": true, "attempt": 1, "phone": "+15555551109"}'::jsonb,
          'an attempt is counted before the call is placed');
select is(public.record_callback_placed((select id from cb), 'CA_cb1', '+15550000000', '+15555551109') ? 'conversation_id',
          true, 'the placed call is recorded');
select results_eq(
  $$select c.direction, c.state -> 'callback' ->> 'notes', t.last_call_sid
    from cb t join public.conversations c on c.call_sid = t.last_call_sid$$,
  $$values ('outbound', 'pgTAP: pricing for two locations', 'CA_cb1')$$,
  'an outbound conversation opens with the callback in its state, linked from the task'
);
select is(public.callback_context((select id from cb), 'CA_cb1') ->> 'notes', 'pgTAP: pricing for two locations',
          'the voice webhook finds the callback''s notes');
select is(public.callback_context((select id from cb), 'CA_other'), null, 'but not for another call');

select public.finish_call('CA_cb1', 'no-answer', 0);
select results_eq($$select status, scheduled_for - now() from cb$$, $$values ('pending', interval '60 minutes')$$,
                  'a callback nobody answered is tried again an hour later');

update public.scheduled_tasks set status = 'in_progress' where id = (select id from cb);
select is((public.begin_callback_attempt((select id from cb), '2026-11-25 18:00Z') ->> 'attempt')::int, 2, 'the second attempt');
select public.record_callback_placed((select id from cb), 'CA_cb2', '+15550000000', '+15555551109');
select public.finish_call('CA_cb2', 'busy', 0);
select is((select status from cb), 'failed', 'after max attempts the callback has failed');
select is((select count(*)::int from public.jobs where payload ->> 'kind' = 'callback_failed'
           and payload ->> 'task_id' = (select id::text from cb)), 1, 'and the team is told');
update public.scheduled_tasks set status = 'in_progress' where id = (select id from cb);
select is(public.begin_callback_attempt((select id from cb), '2026-11-25 18:00Z') ->> 'reason', 'max attempts',
          'no attempt beyond max_attempts');

update public.scheduled_tasks set status = 'in_progress', attempts = 0 where id = (select id from cb);
select public.begin_callback_attempt((select id from cb), '2026-11-25 18:00Z');
select public.record_callback_placed((select id from cb), 'CA_cb3', '+15550000000', '+15555551109');
select public.record_greeting('CA_cb3', 'Hi Ravi');
select public.record_turn('CA_cb3', 1, '{"kind": "speech", "text": "Yes, now is fine"}', 'Great.', '{}', '{}', '{}');
select public.finish_call('CA_cb3', 'completed', 120);
select is((select status from cb), 'done', 'a callback the customer answered is done');

select is(public.release_callback_attempt((select id from cb)), null, 'releasing a settled task changes nothing');

-- store_call_analysis ---------------------------------------------------------------------------
delete from public.jobs;
select public.start_call('CA_t7', '+15555551110', '+15550000000');
select public.record_turn('CA_t7', 1, '{"kind": "speech", "text": "Hi, Lee here from Acme"}', 'Hello.', '{}', '{}', '{}');
select public.finish_call('CA_t7', 'completed', 30);
select is(public.store_call_analysis((select id from public.conversations where call_sid = 'CA_t7'),
  '{"summary": "Lee from Acme asked about pricing.", "sentiment": 0.456, "lead_score": 61.6, "outcome": "lead_captured",
    "fields": {"name": "Lee Park", "company": "Acme", "email": "LEE@ACME.COM"}, "provider": "local"}') ->> 'outcome',
  'answered', 'the outcome the call functions recorded stands');
select results_eq(
  $$select c.summary, c.sentiment_score, c.lead_score, c.analysis ->> 'provider', c.analysed_at is not null,
           cu.name, cu.company, cu.email, cu.sentiment_score, cu.lead_score
    from public.conversations c join public.customers cu on cu.id = c.customer_id where c.call_sid = 'CA_t7'$$,
  $$values ('Lee from Acme asked about pricing.', 0.46::numeric(3,2), 62, 'local', true,
            'Lee Park', 'Acme', 'lee@acme.com', 0.46::numeric(3,2), 62)$$,
  'the analysis is stored on the call and its customer, on the seed''s scales'
);
select is((select count(*)::int from public.jobs where payload ->> 'kind' = 'new_lead'), 1,
          'a name found by the analysis makes the customer a lead');
update public.customers set name = 'Lee P.' where phone_number = '+15555551110';
select public.store_call_analysis((select id from public.conversations where call_sid = 'CA_t7'),
  '{"summary": "s", "sentiment": 0, "lead_score": 10, "fields": {"name": "Somebody Else"}}');
select is((select name from public.customers where phone_number = '+15555551110'), 'Lee P.',
          'found fields never overwrite what the customer row holds');

select * from finish();
rollback;
