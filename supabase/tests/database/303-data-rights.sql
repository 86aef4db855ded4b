begin;
create extension if not exists pgtap with schema extensions;
select plan(20);

-- A customer with a call, its transcript, a task, notifications, jobs, a recording and a listing.
insert into public.customers (id, phone_number, name, email, company)
values ('00000000-0000-0000-0000-0000000c3030', '+15555553030', 'Erin Quillfeather', 'erin@quillfeather.example', 'Quill Co');
insert into public.conversations (id, call_sid, customer_id, from_number, to_number, summary)
values ('00000000-0000-0000-0000-0000000d3030', 'CA_erase_1', '00000000-0000-0000-0000-0000000c3030', '+15555553030',
        '+15550000000', 'Erin Quillfeather asked for a callback.');
insert into public.messages (conversation_id, turn, role, content) values
  ('00000000-0000-0000-0000-0000000d3030', 0, 'agent', 'Hello'),
  ('00000000-0000-0000-0000-0000000d3030', 1, 'caller', 'I''m Erin Quillfeather, erin@quillfeather.example');
insert into public.scheduled_tasks (customer_id, conversation_id, task_type, scheduled_for, phone_number, status)
values ('00000000-0000-0000-0000-0000000c3030', '00000000-0000-0000-0000-0000000d3030', 'callback', now() + interval '1 day',
        '+15555553030', 'pending');
insert into public.notifications (kind, subject, body, customer_id, dedupe_key)
values ('new_lead', 'New lead: Erin Quillfeather', 'Phone +15555553030', '00000000-0000-0000-0000-0000000c3030', 'erase:lead'),
       ('daily_report', 'Calls today', E'Calls: 3\n- Erin Quillfeather (Quill Co): callback', null, 'erase:report');
select public.enqueue_job('crm_sync', '{"event": "lead.captured", "customer_id": "00000000-0000-0000-0000-0000000c3030"}');
insert into public.call_recordings (conversation_id, call_sid, recording_sid, status)
values ('00000000-0000-0000-0000-0000000d3030', 'CA_erase_1', 'RE0123456789abcdef0123456789abcdef', 'completed');

-- The caller asks, during the call.
select is(public.record_privacy_request('CA_erase_1', 'erasure') ->> 'ok', 'true', 'a deletion request is taken');
select is((select count(*)::int from public.data_requests where customer_id = '00000000-0000-0000-0000-0000000c3030'
           and status = 'pending'), 1, 'as a pending request');
select is((select task_type from public.scheduled_tasks s join public.data_requests r on r.task_id = s.id
           where r.customer_id = '00000000-0000-0000-0000-0000000c3030'), 'follow_up', 'and a task for the team');
select is(public.record_privacy_request('CA_erase_1', 'erasure') ->> 'request_id',
          (select id::text from public.data_requests where customer_id = '00000000-0000-0000-0000-0000000c3030'),
          'asking again gives the same request');

-- An export first (admins only).
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee", "role": "authenticated"}';
select throws_ok($$select public.export_customer('00000000-0000-0000-0000-0000000c3030')$$, '42501', NULL,
  'a member who is not an admin cannot export');
select throws_ok($$select public.decide_data_request((select id from public.data_requests limit 1), true)$$, '42501', NULL,
  'nor approve an erasure');
set local request.jwt.claims = '{"sub": "user_alex_rivera", "role": "authenticated"}';
select results_eq($$select e -> 'customer' ->> 'email', jsonb_array_length(e -> 'calls'),
                          jsonb_array_length(e -> 'calls' -> 0 -> 'messages'), jsonb_array_length(e -> 'tasks')
                   from public.export_customer('00000000-0000-0000-0000-0000000c3030') as e$$,
  $$values ('erin@quillfeather.example', 1, 2, 2)$$, 'an admin exports the customer, calls, transcript and tasks as JSON');

-- The admin approves: one function erases them.
select is(public.decide_data_request((select id from public.data_requests
                                      where customer_id = '00000000-0000-0000-0000-0000000c3030'), true) ->> 'status',
  'completed', 'an admin approves the erasure');
reset role;

select is_empty($$
  select tablename from pg_tables
  where schemaname = 'public'
    and query_to_xml(format('select 1 as hit from public.%I t where t::text ~* %L limit 1', tablename,
                            '5555553030|Quillfeather|erin@quillfeather'), false, true, '')::text like '%<row>%'$$,
  'no row in any table holds their number, name or email');
select is_empty($$select 1 from public.customers where id = '00000000-0000-0000-0000-0000000c3030'$$, 'the customer is gone');
select is_empty($$select 1 from public.conversations where call_sid = 'CA_erase_1'$$, 'their calls are gone');
select is_empty($$select 1 from public.jobs where payload ->> 'customer_id' = '00000000-0000-0000-0000-0000000c3030'$$,
  'jobs about them are gone');
select is((select body from public.notifications where dedupe_key = 'erase:report'),
  E'Calls: 3\n- [erased] (Quill Co): callback', 'a report that named them keeps its figures, not their name');
select is((select payload from public.jobs where kind = 'delete_recording'),
  '{"recording_sid": "RE0123456789abcdef0123456789abcdef"}'::jsonb, 'their recording is deleted at Twilio by a job');
select ok(public.is_do_not_call('+15555553030') is false, 'a number never listed stays unlisted');
select results_eq($$select status, customer_id, result ->> 'calls' from public.data_requests where status = 'completed'
                    and decided_by = 'user_alex_rivera'$$,
  $$values ('completed', null::uuid, '1')$$, 'the request is completed, keeping counts only');
select is((select actor || ' ' || action from public.audit_log where action = 'customer.erase'),
  'user_alex_rivera customer.erase', 'the erasure is in the audit log');

-- "Don't call me": the number is listed at once and booked callbacks are not placed.
insert into public.customers (id, phone_number) values ('00000000-0000-0000-0000-0000000c3031', '+15555553031');
insert into public.conversations (call_sid, customer_id, from_number, to_number)
values ('CA_dnc_1', '00000000-0000-0000-0000-0000000c3031', '+15555553031', '+15550000000');
insert into public.scheduled_tasks (customer_id, task_type, scheduled_for, phone_number)
values ('00000000-0000-0000-0000-0000000c3031', 'callback', now() + interval '1 day', '+15555553031');
select is(public.record_privacy_request('CA_dnc_1', 'do_not_call') ->> 'ok', 'true', 'a caller asks not to be called');
select ok(public.is_do_not_call('+15555553031'), 'their number is on the list, as their own request');
select is((select status from public.scheduled_tasks where customer_id = '00000000-0000-0000-0000-0000000c3031'),
  'cancelled', 'their booked callback is cancelled');

select * from finish();
rollback;
