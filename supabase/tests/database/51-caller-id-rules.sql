begin;
create extension if not exists pgtap with schema extensions;
select plan(16);

delete from public.jobs;

-- The victim, known by caller ID.
insert into public.customers (phone_number, name, company, email)
values ('+15555551601', 'Vera Victim', 'Victim Inc', 'vera@victim.example');

-- Attack 1: a withheld-number caller says the victim's number and gives other details.
select public.start_call('CA_cid1', 'anonymous', '+15550100000');
select public.record_turn('CA_cid1', 1, '{"kind": "speech", "text": "I am Vera, my number is 555 555 1601"}', 'Thanks.',
  '{}', '{}', '{"lead": {"name": "Mallory", "company": "Evil Corp", "email": "mallory@evil.example", "phone": "+15555551601"}}');
select results_eq($$select name, company, email from public.customers where phone_number = '+15555551601'$$,
                  $$values ('Vera Victim', 'Victim Inc', 'vera@victim.example')$$,
                  'a said number changes nothing on the existing customer');
select is((select customer_id from public.conversations where call_sid = 'CA_cid1'), null,
          'the call is not linked to the customer whose number was said');
select is((select claimed_customer_id from public.conversations where call_sid = 'CA_cid1'),
          (select id from public.customers where phone_number = '+15555551601'), 'the call is flagged with the customer it named');
select is((select payload ->> 'alert' from public.jobs where dedupe_key like 'notify:alert:claimed_number:%'), 'claimed_number',
          'the team is told');
select is((select actions -> 'lead' ->> 'company' from public.messages m join public.conversations c on c.id = m.conversation_id
           where c.call_sid = 'CA_cid1' and m.role = 'agent' and m.turn = 1), 'Evil Corp',
          'what the caller said stays on the call''s own record');
-- A withheld caller who says a number nobody has becomes that customer, as before.
select public.start_call('CA_cid2', 'anonymous', '+15550100000');
select public.record_turn('CA_cid2', 1, '{"kind": "speech", "text": "call me"}', 'Thanks.', '{}', '{}',
  '{"lead": {"name": "Nina New", "phone": "+15555551602"}}');
select is((select name from public.customers c join public.conversations v on v.customer_id = c.id where v.call_sid = 'CA_cid2'),
          'Nina New', 'a number that is nobody''s yet makes a new customer');

-- Callback numbers. The caller's own number is the default.
select public.start_call('CA_cb1', '+15555551603', '+15550100000');
select public.record_turn('CA_cb1', 1, '{"kind": "speech", "text": "call me tomorrow"}', 'Sure.', '{}', '{}',
  '{"callback": {"at": "2030-01-02T10:00:00-05:00", "notes": "Say: you owe us money"}}');
select is((select phone_number from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
           where c.call_sid = 'CA_cb1'), '+15555551603', 'no number said: the caller''s own');

create temp table attempts (sid text, phone text, refused text);
insert into attempts values
  ('CA_cb2', '+19005551234', 'premium rate'),
  ('CA_cb3', '+12125559766', null),
  ('CA_cb4', '+18765551234', 'another country'),
  ('CA_cb5', '+447700900123', 'another country'),
  ('CA_cb6', '+12129765555', 'premium rate');
select public.start_call(sid, '+15555551604', '+15550100000') from attempts;
select public.record_turn(sid, 1, '{"kind": "speech", "text": "call this number"}', 'Sure.', '{}', '{}',
  jsonb_build_object('callback', jsonb_build_object('at', '2030-01-02T10:00:00-05:00', 'phone', phone))) from attempts;
select results_eq(
  $$select a.phone, t.phone_number, t.notes like '%refused (' || coalesce(a.refused, '-') || ')%'
    from attempts a join public.conversations c on c.call_sid = a.sid join public.scheduled_tasks t on t.conversation_id = c.id
    where a.refused is not null order by a.sid$$,
  $$values ('+19005551234', '+15555551604', true), ('+18765551234', '+15555551604', true),
           ('+447700900123', '+15555551604', true), ('+12129765555', '+15555551604', true)$$,
  'premium-rate and foreign numbers (the Caribbean too) fall back to the caller''s own, and the task says why');
select is((select t.phone_number from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
           where c.call_sid = 'CA_cb3'), '+12125559766', 'another domestic number is allowed');

-- At most three other-number callbacks a day from one calling number.
create temp table more (sid text, phone text);
insert into more values ('CA_cb7', '+12125550001'), ('CA_cb8', '+12125550002'), ('CA_cb9', '+12125550003');
select public.start_call(sid, '+15555551605', '+15550100000') from more;
select public.record_turn(sid, 1, '{"kind": "speech", "text": "call this number"}', 'Sure.', '{}', '{}',
  jsonb_build_object('callback', jsonb_build_object('at', '2030-01-02T10:00:00-05:00', 'phone', phone))) from more;
select public.start_call('CA_cb10', '+15555551605', '+15550100000');
select public.record_turn('CA_cb10', 1, '{"kind": "speech", "text": "and this one"}', 'Sure.', '{}', '{}',
  '{"callback": {"at": "2030-01-02T10:00:00-05:00", "phone": "+12125550004"}}');
select is((select t.phone_number from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
           where c.call_sid = 'CA_cb10'), '+15555551605', 'the fourth other number in a day is refused');
-- Moving a booked callback within the same call is not another one.
select public.record_turn('CA_cb9', 2, '{"kind": "speech", "text": "make it later"}', 'Sure.', '{}', '{}',
  '{"callback": {"at": "2030-01-02T11:00:00-05:00", "phone": "+12125550003"}}');
select is((select t.phone_number from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
           where c.call_sid = 'CA_cb9'), '+12125550003', 'moving a booked callback does not count again');

-- A withheld caller asking for a premium number gets no number at all.
select public.start_call('CA_cb11', 'anonymous', '+15550100000');
select public.record_turn('CA_cb11', 1, '{"kind": "speech", "text": "call 900"}', 'Sure.', '{}', '{}',
  '{"callback": {"at": "2030-01-02T10:00:00-05:00", "phone": "+19005550000"}}');
select is((select t.phone_number from public.scheduled_tasks t join public.conversations c on c.id = t.conversation_id
           where c.call_sid = 'CA_cb11'), null, 'withheld and refused: no number to call');

select is(public.country_calling_code('+447700900123'), '44', 'two-digit country code');
select is(public.country_calling_code('+353861234567'), '353', 'three-digit country code');
select is(public.callback_country('+17875551234'), '1', 'Puerto Rico is the US');
select is(public.callback_country('+18095551234'), '1-809', 'the Dominican Republic is not');

select * from finish();
rollback;
