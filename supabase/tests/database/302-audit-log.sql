begin;
create extension if not exists pgtap with schema extensions;
select plan(11);

insert into public.customers (id, phone_number, name) values ('00000000-0000-0000-0000-0000000c3020', '+15555553020', 'Audit Person');

-- A team member changes a lead's status in the dashboard (the dashboard's role and claims).
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee", "role": "authenticated"}';
update public.customers set lead_status = 'qualified', notes = 'called back' where id = '00000000-0000-0000-0000-0000000c3020';
select public.audit_event('session.sign_in');
reset role;

select results_eq(
  $$select actor, action, target_id, detail from public.audit_log where target_id = '00000000-0000-0000-0000-0000000c3020'$$,
  $$values ('user_jordan_lee', 'customers.update', '00000000-0000-0000-0000-0000000c3020',
            '{"changed": ["lead_status", "notes"], "values": {"lead_status": {"from": "new", "to": "qualified"}}}'::jsonb)$$,
  'a dashboard change is logged with who, what and which fields (values only for statuses)'
);
select is((select count(*)::int from public.audit_log where action = 'session.sign_in' and actor = 'user_jordan_lee' and at = now()), 1,
  'a sign-in is logged');
select ok(not exists (select 1 from public.audit_log where detail::text ~ 'called back|Audit Person|5555553020'),
  'no entry holds the customer''s words, name or number');

-- The call functions (service role) changing a customer are not dashboard changes.
update public.customers set call_count = 1 where id = '00000000-0000-0000-0000-0000000c3020';
select is((select count(*)::int from public.audit_log where target_id = '00000000-0000-0000-0000-0000000c3020'), 1,
  'changes outside the dashboard are not logged as a person''s');

-- Nobody may change or remove an entry: not an admin, not the service role, not the owner.
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_alex_rivera", "role": "authenticated"}';
select isnt_empty($$select 1 from public.audit_log$$, 'an admin reads the log');
select throws_ok($$update public.audit_log set actor = 'x'$$, '42501', NULL, 'an admin cannot update it');
select throws_ok($$delete from public.audit_log$$, '42501', NULL, 'an admin cannot delete from it');
set local request.jwt.claims = '{"sub": "user_jordan_lee", "role": "authenticated"}';
select is_empty($$select 1 from public.audit_log$$, 'a member who is not an admin reads nothing');
reset role;
set local role service_role;
select throws_ok($$delete from public.audit_log$$, '42501', NULL, 'the service role cannot delete from it');
reset role;
select throws_ok($$update public.audit_log set actor = 'x'$$, '42501', 'the audit log is append-only',
  'the owner cannot update it either');
select throws_ok($$truncate public.audit_log$$, '42501', 'the audit log is append-only', 'nor truncate it');

select * from finish();
rollback;
