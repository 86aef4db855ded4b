begin;
create extension if not exists pgtap with schema extensions;
select plan(15);

select policies_are('public', 'notifications', array['Team members can read notifications']);
select policies_are('public', 'jobs', array['Team members can read jobs']);
select policies_are('public', 'automation_settings', array[
  'Team members can read the automation settings', 'Team admins can change the automation settings'
]);

select ok((public.upsert_notification('n:1', 'alert', 'Subject', 'Body', '{a@b.co}')).id is not null,
          'a notification is created');
select is((select (x).subject from (select public.upsert_notification('n:1', 'alert', 'Other', 'Other', '{}') as x) as y),
          'Subject', 'the same key returns the first notification unchanged');
select throws_ok($$select public.upsert_notification('n:2', 'gossip', 's', 'b', '{}')$$, '23514', null,
                 'kinds are the known ones');

select is(public.notification_recipients(),
          (select array_agg(email order by user_id) from public.team_members where active and email is not null),
          'by default every active team member with an email gets them');
update public.automation_settings set email_recipients = '{team@legacyai.info}';
select is(public.notification_recipients(), '{team@legacyai.info}'::text[], 'unless the settings name recipients');

set local role authenticated;
set local request.jwt.claims = '{"sub": "user_jordan_lee"}';
select is((select count(*)::int from public.notifications where dedupe_key = 'n:1'), 1, 'a team member reads notifications');
select results_eq(
  $$select read_by, read_at is not null from public.mark_notification_read((select id from public.notifications where dedupe_key = 'n:1'))$$,
  $$values ('user_jordan_lee', true)$$,
  'and marks one read'
);
select throws_ok($$update public.notifications set subject = 'x'$$, '42501', null, 'but cannot rewrite them');
update public.automation_settings set retention_days = 1;
select is((select retention_days from public.automation_settings), 90, 'a member cannot change the settings');
set local request.jwt.claims = '{"sub": "user_alex_rivera"}';
select lives_ok($$update public.automation_settings set retention_days = 30$$, 'an admin can');
set local request.jwt.claims = '{"sub": "user_nobody"}';
select throws_ok($$select public.mark_notification_read((select id from public.notifications limit 1))$$, '42501',
                 'not a team member', 'someone outside the team cannot touch them');
set local role anon;
select throws_ok($$select * from public.notifications$$, '42501', null, 'anon cannot read notifications');
reset role;

select * from finish();
rollback;
