begin;
create extension if not exists pgtap with schema extensions;
select plan(20);

-- The seed's LegacyAI: Monday to Friday 9 to 6 in New York, closed on federal holidays.
create temp table open_at (label text, at timestamptz, expected boolean);
insert into open_at values
  ('Wednesday 10:00 EST', '2026-11-25 15:00Z', true),
  ('Wednesday 08:59 EST', '2026-11-25 13:59Z', false),
  ('Wednesday 09:00 EST', '2026-11-25 14:00Z', true),
  ('Wednesday 17:59 EST', '2026-11-25 22:59Z', true),
  ('Wednesday 18:00 EST', '2026-11-25 23:00Z', false),
  ('Saturday noon', '2026-11-28 17:00Z', false),
  ('Thanksgiving noon', '2026-11-26 17:00Z', false),
  ('Christmas Eve 2027 (observed Christmas) noon', '2027-12-24 17:00Z', false),
  ('summer Wednesday 09:00 EDT', '2026-07-15 13:00Z', true),
  ('summer Wednesday 08:59 EDT', '2026-07-15 12:59Z', false);

select is(public.is_within_business_hours(c, o.at), o.expected, o.label || (case when o.expected then ' is open' else ' is closed' end))
from open_at as o, public.agent_configs as c
where c.is_active;

select is(public.set_hours_override('open') ->> 'hours_override', 'open', 'the override can force the business open');
select is(
  (select public.is_within_business_hours(c, '2026-11-28 17:00Z') from public.agent_configs as c where c.is_active), true,
  'forced open, Saturday is open'
);
select lives_ok($$select public.set_hours_override('closed')$$, 'the override can force the business closed');
select is(
  (select public.is_within_business_hours(c, '2026-11-25 15:00Z') from public.agent_configs as c where c.is_active), false,
  'forced closed, a Wednesday morning is closed'
);
select throws_ok($$select public.set_hours_override('maybe')$$, '22023', 'invalid hours override', 'the override is open, closed or null');

update public.agent_configs set is_active = false;
select throws_ok($$select public.set_hours_override(null)$$, 'P0002', 'no active agent config',
  'there is nothing to override without an active config');

select ok(public.is_valid_weekly_hours('{}'), 'no hours at all is valid (always closed)');
select ok(public.is_valid_weekly_hours('{"mon": [["09:00", "12:00"], ["13:00", "24:00"]]}'),
  'a day may have several spans and close at midnight');
select ok(not public.is_valid_weekly_hours('[]'), 'hours are an object');
select ok(not public.is_valid_weekly_hours('{"mon": "09:00-17:00"}'), 'a day is a list of spans');

select * from finish();
rollback;
