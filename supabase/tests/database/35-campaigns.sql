begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

insert into public.campaigns (id, name, opening, voicemail_messages, max_concurrent, calls_per_minute, max_attempts)
values ('00000000-0000-0000-0000-0000000ca001', 'T', 'Hi {name}', '{"en": "Hello"}', 2, 60, 2);
select lives_ok($$select public.add_campaign_leads('00000000-0000-0000-0000-0000000ca001', '[
  {"phone_number": "+15555553501", "time_zone": "Etc/GMT"}, {"phone_number": "+15555553502", "time_zone": "Etc/GMT"},
  {"phone_number": "+15555553503", "time_zone": "Etc/GMT"}, {"phone_number": "+15555553504", "time_zone": "Etc/GMT"}]')$$,
  'leads are added');
select is((select count(*)::int from public.customers where phone_number like '+155555535%' and timezone = 'Etc/GMT'), 4,
  'a stated time zone is stored on the customer, where the calling-hours rule reads it');
select public.add_do_not_call('+15555553504');
update public.campaign_leads set next_attempt_at = '2026-11-25 00:00Z'
where campaign_id = '00000000-0000-0000-0000-0000000ca001';
update public.campaigns set status = 'running' where id = '00000000-0000-0000-0000-0000000ca001';

select is(public.claim_campaign_lead('00000000-0000-0000-0000-0000000ca001', '2026-11-25 12:00Z') ->> 'state', 'dial',
  'the first lead is claimed');
select is(public.claim_campaign_lead('00000000-0000-0000-0000-0000000ca001', '2026-11-25 12:00:00.5Z') ->> 'reason', 'pace',
  'at 60 a minute the next waits a second');
select is(public.claim_campaign_lead('00000000-0000-0000-0000-0000000ca001', '2026-11-25 12:00:01Z') ->> 'state', 'dial',
  'a second later the second is claimed');
select is(public.claim_campaign_lead('00000000-0000-0000-0000-0000000ca001', '2026-11-25 12:00:02Z') ->> 'reason', 'concurrency',
  'two calls in progress: the third waits');
select is((select count(*)::int from public.campaign_leads
           where campaign_id = '00000000-0000-0000-0000-0000000ca001' and attempts > 0), 2,
  'each claim took a different lead once');

update public.customers set timezone = 'Etc/GMT+11' where phone_number = '+15555553503';
update public.campaign_leads set status = 'queued', next_attempt_at = '2026-11-25 00:00Z'
where phone_number = '+15555553503';
update public.campaign_leads set status = 'reached'
where campaign_id = '00000000-0000-0000-0000-0000000ca001' and phone_number not in ('+15555553503', '+15555553504') and status in ('calling', 'queued');
select is(public.claim_campaign_lead('00000000-0000-0000-0000-0000000ca001', '2026-11-25 12:00:05Z') ->> 'reason',
  'no lead due', 'a lead at 1 AM local time is not dialled; it waits for 8 AM there');

select is((select status from public.campaign_leads where phone_number = '+15555553504'), 'skipped_dnc',
  'the do-not-call number is skipped, never claimed');

select * from finish();
rollback;
