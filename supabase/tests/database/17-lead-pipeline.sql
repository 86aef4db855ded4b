begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

insert into public.customers (id, phone_number, name, lead_status) values
  ('00000000-0000-4000-8000-0000000017a1', '+15555551701', 'Pipeline One', 'new'),
  ('00000000-0000-4000-8000-0000000017a2', '+15555551702', 'Pipeline Two', 'new');

set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee"}';
select is(public.move_leads(array['00000000-0000-4000-8000-0000000017a1', '00000000-0000-4000-8000-0000000017a2']::uuid[], 'qualified'),
          2, 'a team member moves two leads at once');
select results_eq(
  $$select from_status, to_status, changed_by from public.lead_status_changes
    where customer_id = '00000000-0000-4000-8000-0000000017a1'$$,
  $$values ('new', 'qualified', 'user_jordan_lee')$$,
  'the move is recorded with who made it'
);
select is(public.move_leads(array['00000000-0000-4000-8000-0000000017a1']::uuid[], 'qualified'), 0,
          'moving a lead to the status it has changes nothing');
select throws_ok($$select public.move_leads(array['00000000-0000-4000-8000-0000000017a1']::uuid[], 'won')$$,
                 '22023', 'unknown lead status', 'an unknown status is refused');
select is(public.assign_leads(array['00000000-0000-4000-8000-0000000017a2']::uuid[], 'user_alex_rivera'), 1, 'a lead is assigned');
select throws_ok($$select public.assign_leads(array['00000000-0000-4000-8000-0000000017a2']::uuid[], 'user_nobody')$$,
                 '22023', 'owner must be an active team member', 'only a team member can own a lead');
select throws_ok($$insert into public.lead_status_changes (customer_id, to_status) values ('00000000-0000-4000-8000-0000000017a2', 'lost')$$,
                 '42501', null, 'the history cannot be written by hand');

reset role;
set local request.jwt.claims = '';
update public.customers set lead_status = 'customer' where id = '00000000-0000-4000-8000-0000000017a2';
select results_eq(
  $$select from_status, to_status, changed_by from public.lead_status_changes
    where customer_id = '00000000-0000-4000-8000-0000000017a2' order by id$$,
  $$values ('new', 'qualified', 'user_jordan_lee'), ('qualified', 'customer', null::text)$$,
  'a change by the agent (no team member) is recorded too, without a who'
);

set local role anon;
select throws_ok($$select public.move_leads(array['00000000-0000-4000-8000-0000000017a1']::uuid[], 'lost')$$,
                 '42501', null, 'anon cannot move leads');
reset role;

select * from finish();
rollback;
