-- Who may never be called, and when a callee may be called: 8 AM to 9 PM in their own time
-- zone (a stored one, else the one of their number's area code, else the business's).
-- Every outbound path asks these two functions; nothing in TypeScript decides either rule.

create table public.do_not_call (
  phone_number text primary key check (public.is_e164(phone_number)),
  reason text,
  added_by text references public.team_members (user_id) on delete set null,
  created_at timestamptz not null default now()
);

alter table public.do_not_call enable row level security;
revoke all on public.do_not_call from anon, authenticated;
grant select, insert, delete on public.do_not_call to authenticated;
grant all on public.do_not_call to service_role;

create policy "Team members can read the do-not-call list"
  on public.do_not_call for select to authenticated
  using ((select public.is_team_member()));

create policy "Team members can add to the do-not-call list"
  on public.do_not_call for insert to authenticated
  with check ((select public.is_team_member()));

create policy "Team admins can remove from the do-not-call list"
  on public.do_not_call for delete to authenticated
  using ((select public.is_team_admin()));

create or replace function public.is_do_not_call(p_phone text)
  returns boolean
  language sql stable
  security definer
  set search_path = ''
as $$
  select exists (select 1 from public.do_not_call where phone_number = p_phone)
$$;

-- North American area codes and their (main) time zone. An area code split across zones takes
-- the zone most of its numbers are in; a stored time zone on the lead always wins.
create table public.area_code_time_zones (
  area_code text primary key check (area_code ~ '^[2-9][0-9]{2}$'),
  time_zone text not null
);

insert into public.area_code_time_zones (area_code, time_zone)
select code, zone from (values
  ('America/New_York', '{201,202,203,207,212,215,216,220,223,227,229,231,234,239,240,248,252,260,267,269,272,276,'
    '283,301,302,304,305,313,315,317,321,326,330,332,336,339,347,351,352,380,386,401,404,407,410,412,413,419,'
    '434,440,443,445,448,463,470,475,478,484,502,508,513,516,517,518,540,551,561,567,570,571,574,585,586,603,'
    '607,609,610,614,616,617,631,640,646,656,667,678,680,681,689,703,704,706,716,717,718,724,727,732,734,740,'
    '743,754,757,762,765,770,772,774,781,786,802,803,804,810,813,814,828,835,838,839,843,845,848,856,857,859,'
    '860,862,863,864,865,878,904,908,910,914,917,919,929,934,937,941,947,954,959,973,978,980,984,989}'),
  ('America/Toronto', '{226,249,289,343,365,416,437,519,548,613,647,705,807,905}'),
  ('America/Chicago', '{205,210,214,217,218,219,224,225,228,251,254,256,262,270,281,309,312,314,316,318,319,320,'
    '325,331,334,337,346,361,364,402,405,409,414,417,430,432,447,469,479,501,504,507,512,515,531,534,539,563,'
    '573,580,601,605,608,612,615,618,620,630,636,641,651,660,662,682,708,712,713,715,726,731,737,763,769,773,'
    '779,785,806,815,816,817,830,832,847,850,870,872,901,903,913,918,920,931,936,940,945,952,956,972,979,985}'),
  ('America/Denver', '{208,303,307,385,406,435,505,575,719,720,801,915,970,986}'),
  ('America/Phoenix', '{480,520,602,623,928}'),
  ('America/Los_Angeles', '{206,209,213,253,279,310,323,341,350,360,369,408,415,424,425,442,458,503,509,510,530,'
    '541,559,562,564,619,626,628,650,657,661,669,702,707,714,725,747,760,775,805,818,820,831,858,909,916,925,'
    '949,951,971}'),
  ('America/Anchorage', '{907}'),
  ('Pacific/Honolulu', '{808}')
) as z(zone, codes), unnest(codes::text[]) as code;

alter table public.area_code_time_zones enable row level security;
revoke all on public.area_code_time_zones from anon, authenticated;
grant select on public.area_code_time_zones to authenticated;
grant all on public.area_code_time_zones to service_role;
create policy "Team members can read area code time zones"
  on public.area_code_time_zones for select to authenticated
  using ((select public.is_team_member()));

-- The callee's time zone: the stored one when it is a real zone name, else their area code's
-- (+1 numbers), else the business's.
create or replace function public.callee_time_zone(p_phone text, p_time_zone text default null)
  returns text
  language sql stable
  security definer
  set search_path = ''
as $$
  select coalesce(
    (select name from pg_catalog.pg_timezone_names where name = p_time_zone limit 1),
    (select time_zone from public.area_code_time_zones
     where p_phone like '+1%' and area_code = substr(p_phone, 3, 3)),
    public.business_timezone())
$$;

-- The earliest moment at or after p_at when the callee may be called (8:00 to 21:00 their time):
-- p_at itself when that is now callable.
create or replace function public.next_calling_time(
  p_phone text,
  p_time_zone text default null,
  p_at timestamptz default now()
)
  returns timestamptz
  language sql stable
  security definer
  set search_path = ''
as $$
  with z as (select public.callee_time_zone(p_phone, p_time_zone) as tz),
  l as (select (p_at at time zone z.tz) as local, z.tz from z)
  select case
    when l.local::time >= time '08:00' and l.local::time < time '21:00' then p_at
    when l.local::time < time '08:00' then (l.local::date + time '08:00') at time zone l.tz
    else (l.local::date + 1 + time '08:00') at time zone l.tz
  end
  from l
$$;

revoke all on function public.is_do_not_call(text) from public, anon;
revoke all on function public.callee_time_zone(text, text) from public, anon;
revoke all on function public.next_calling_time(text, text, timestamptz) from public, anon;
grant execute on function public.is_do_not_call(text) to authenticated, service_role;
grant execute on function public.callee_time_zone(text, text) to authenticated, service_role;
grant execute on function public.next_calling_time(text, text, timestamptz) to authenticated, service_role;
