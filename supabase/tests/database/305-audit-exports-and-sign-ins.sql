begin;
create extension if not exists pgtap with schema extensions;
select plan(6);

-- A team member's Clerk session, seen on two requests: one sign-in.
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee", "role": "authenticated", "sid": "sess_test305"}';
select is(public.audit_session_sign_in('sess_test305'), true, 'the first request of a Clerk session records its sign-in');
select is(public.audit_session_sign_in('sess_test305'), false, 'the next requests of that session record nothing more');
select lives_ok($$select public.audit_event('leads.export', 'customers', null, '{"count": 3}')$$, 'a leads CSV export is audited');
select lives_ok($$select public.audit_event('analytics.export', null, null, '{"days": 30}')$$, 'an analytics CSV export is audited');
reset role;

select results_eq(
  $$select action, detail from public.audit_log where actor = 'user_jordan_lee'
      and action in ('session.sign_in', 'leads.export', 'analytics.export') and at = now() order by id$$,
  $$values ('session.sign_in', '{"via": "clerk", "session": "sess_test305"}'::jsonb),
           ('leads.export', '{"count": 3}'::jsonb), ('analytics.export', '{"days": 30}'::jsonb)$$,
  'the entries name the member and hold no personal data'
);

-- Someone signed in to Clerk who is not on the team is not audited as a member.
set local role authenticated;
set local request.jwt.claims = '{"sub": "user_stranger", "role": "authenticated"}';
select throws_ok($$select public.audit_session_sign_in('sess_stranger')$$, '42501', null, 'an outsider cannot write the audit log');
reset role;

select * from finish();
rollback;
