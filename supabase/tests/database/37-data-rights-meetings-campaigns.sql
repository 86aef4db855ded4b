begin;
create extension if not exists pgtap with schema extensions;
select plan(9);

-- A customer with a meeting booked on a call (and its ICS invite job), a lead in a campaign picked
-- from the customers list, and a lead with the same number from a pasted CSV (no customer link).
insert into public.customers (id, phone_number, name, email)
values ('00000000-0000-0000-0000-0000000c3701', '+15555553701', 'Wren Halloway', 'wren@halloway.example');
insert into public.conversations (id, call_sid, customer_id, from_number, to_number)
values ('00000000-0000-0000-0000-0000000d3701', 'CA_erase_37', '00000000-0000-0000-0000-0000000c3701', '+15555553701',
        '+15550000000');
insert into public.meetings (id, team_member_id, customer_id, conversation_id, title, starts_at, ends_at, provider,
                             attendee_name, attendee_email, attendee_phone)
values ('00000000-0000-0000-0000-0000000e3701', 'user_alex_rivera', '00000000-0000-0000-0000-0000000c3701',
        '00000000-0000-0000-0000-0000000d3701', 'Demo', date_trunc('hour', now()) + interval '30 days',
        date_trunc('hour', now()) + interval '30 days 30 minutes', 'local', 'Wren Halloway', 'wren@halloway.example',
        '+15555553701');
select public.enqueue_job('meeting_invite', '{"meeting_id": "00000000-0000-0000-0000-0000000e3701"}',
                          'meeting_invite:00000000-0000-0000-0000-0000000e3701');
insert into public.campaigns (id, name, opening, voicemail_messages) values
  ('00000000-0000-0000-0000-0000000a3701', 'Spring follow-up', 'Hi {name}, this is {business}.', '{"en": "Call us back."}'),
  ('00000000-0000-0000-0000-0000000a3702', 'CSV import', 'Hi {name}, this is {business}.', '{"en": "Call us back."}');
insert into public.campaign_leads (campaign_id, customer_id, phone_number, name) values
  ('00000000-0000-0000-0000-0000000a3701', '00000000-0000-0000-0000-0000000c3701', '+15555553701', 'Wren Halloway'),
  ('00000000-0000-0000-0000-0000000a3702', null, '+15555553701', 'Wren Halloway');
-- Someone else's meeting and lead, which must stay.
insert into public.customers (id, phone_number, name) values ('00000000-0000-0000-0000-0000000c3702', '+15555553702', 'Other Person');
insert into public.meetings (team_member_id, customer_id, title, starts_at, ends_at, provider, attendee_phone)
values ('user_alex_rivera', '00000000-0000-0000-0000-0000000c3702', 'Other demo', date_trunc('hour', now()) + interval '31 days',
        date_trunc('hour', now()) + interval '31 days 30 minutes', 'local', '+15555553702');
insert into public.campaign_leads (campaign_id, customer_id, phone_number)
values ('00000000-0000-0000-0000-0000000a3701', '00000000-0000-0000-0000-0000000c3702', '+15555553702');

select results_eq($$select jsonb_array_length(e -> 'meetings'), e -> 'meetings' -> 0 ->> 'attendee_email',
                          jsonb_array_length(e -> 'campaign_leads'),
                          (select array_agg(x ->> 'campaign' order by x ->> 'campaign') from jsonb_array_elements(e -> 'campaign_leads') x)
                   from public.export_customer('00000000-0000-0000-0000-0000000c3701') as e$$,
  $$values (1, 'wren@halloway.example', 2, array['CSV import', 'Spring follow-up'])$$,
  'the export includes their meeting and both campaign leads (by customer and by number)');

select results_eq($$select (r ->> 'meetings')::int, (r ->> 'campaign_leads')::int
                   from public.erase_customer('00000000-0000-0000-0000-0000000c3701') as r$$,
  $$values (1, 2)$$, 'erasure counts the meeting and the campaign leads it removed');
select is_empty($$select 1 from public.meetings where id = '00000000-0000-0000-0000-0000000e3701'$$, 'their meeting is gone');
select is_empty($$select 1 from public.jobs where payload ->> 'meeting_id' = '00000000-0000-0000-0000-0000000e3701'$$,
  'and its invite job');
select is_empty($$select 1 from public.campaign_leads where phone_number = '+15555553701'$$,
  'their campaign leads are gone, the CSV one too');
select is_empty($$
  select tablename from pg_tables
  where schemaname = 'public'
    and query_to_xml(format('select 1 as hit from public.%I t where t::text ~* %L limit 1', tablename,
                            '5555553701|Halloway'), false, true, '')::text like '%<row>%'$$,
  'no row in any table holds their number, name or email');
select is((select count(*)::int from public.meetings where customer_id = '00000000-0000-0000-0000-0000000c3702'), 1,
  'another customer''s meeting stays');
select is((select count(*)::int from public.campaign_leads where phone_number = '+15555553702'), 1,
  'another customer''s lead stays');
select is((select count(*)::int from public.campaigns where id in ('00000000-0000-0000-0000-0000000a3701',
                                                                   '00000000-0000-0000-0000-0000000a3702')), 2,
  'the campaigns themselves stay');

select * from finish();
rollback;
