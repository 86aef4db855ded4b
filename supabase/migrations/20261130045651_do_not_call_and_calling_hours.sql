-- Outbound rules: the do-not-call list the team keeps (a caller's "don't call me" adds to it),
-- and calling hours (8 AM to 9 PM in the callee's time zone). Every outbound dial asks
-- outbound_call_check() first; it is the one owner of both rules.

-- A number's key on the list: a SHA-256 of the E.164 number, so that erasing a person can remove
-- the number itself while the list still refuses it.
create or replace function public.phone_key(p_phone text)
  returns text
  language sql immutable
  set search_path = ''
as $$
  select encode(sha256(convert_to(p_phone, 'UTF8')), 'hex')
$$;

create table public.do_not_call (
  phone_key text primary key,
  -- Null once the person was erased: the key alone keeps refusing the number.
  phone_number text check (phone_number is null or public.is_e164(phone_number)),
  source text not null default 'team' check (source in ('team', 'caller')),
  reason text check (length(reason) <= 500),
  added_by text references public.team_members (user_id) on delete set null,
  conversation_id uuid references public.conversations on delete set null,
  created_at timestamptz not null default now(),
  check (phone_number is null or phone_key = public.phone_key(phone_number))
);

create or replace function public.set_do_not_call_key()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.phone_number is not null then
    new.phone_key := public.phone_key(new.phone_number);
  elsif new.phone_key is null then
    raise exception 'a do-not-call entry needs a phone number' using errcode = '22023';
  end if;
  return new;
end
$$;

create trigger do_not_call_set_key
  before insert or update of phone_number on public.do_not_call
  for each row execute function public.set_do_not_call_key();

-- A callee's own time zone, when the team knows it (otherwise the number's area code decides).
alter table public.customers add column timezone text;

create or replace function public.check_customer_timezone()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if new.timezone is not null and not exists (select 1 from pg_catalog.pg_timezone_names where name = new.timezone) then
    raise exception 'invalid time zone'
      using errcode = '22023', detail = format('%L is not an IANA time zone name', new.timezone);
  end if;
  return new;
end
$$;

create trigger customers_check_timezone
  before insert or update of timezone on public.customers
  for each row when (new.timezone is not null)
  execute function public.check_customer_timezone();

-- US area codes that lie in one time zone. Codes that span two zones (850, 906, 812, 208, 605, ...)
-- are left out on purpose: such a number gets the intersection of every zone (see below).
create table public.area_code_time_zones (
  area_code text primary key check (area_code ~ '^[2-9][0-9]{2}$'),
  time_zone text not null
);

insert into public.area_code_time_zones (area_code, time_zone)
select code, tz from (values
  ('America/New_York', '{203,475,860,959,302,202,771,239,305,321,352,386,407,561,727,754,772,786,813,863,904,941,954,689,656,229,404,470,478,678,706,762,770,912,943,207,240,301,410,443,667,339,351,413,508,617,774,781,857,978,231,248,269,313,517,586,616,734,810,947,989,679,603,201,551,609,640,732,848,856,862,908,973,212,315,332,347,516,518,585,607,631,646,680,716,718,838,845,914,917,929,934,252,336,704,743,828,910,919,980,984,216,220,234,283,326,330,380,419,440,513,567,614,740,937,215,223,267,272,412,445,484,570,582,610,717,724,814,835,878,401,803,839,843,854,864,802,276,434,540,571,703,757,804,826,948,304,681,260,317,463,574,765,502,606,859,865}'::text[]),
  ('America/Chicago', '{205,251,256,334,659,938,479,501,870,327,217,224,309,312,331,447,464,618,630,708,773,779,815,847,872,319,515,563,641,712,316,620,913,225,318,337,504,985,218,320,507,612,651,763,952,228,601,662,769,314,417,557,573,636,660,816,975,402,531,405,539,572,580,918,615,629,731,901,931,210,214,254,281,325,346,361,409,430,432,469,512,682,713,726,737,806,817,830,832,903,936,940,945,956,972,979,262,274,414,534,608,715,920,270,364,219}'::text[]),
  ('America/Denver', '{303,719,720,970,983,406,505,575,385,435,801,307,915}'::text[]),
  ('America/Phoenix', '{480,520,602,623,928}'::text[]),
  ('America/Los_Angeles', '{209,213,279,310,323,341,350,408,415,424,442,510,530,559,562,619,626,628,650,657,661,669,707,714,747,760,805,818,820,831,840,858,909,916,925,949,951,702,725,775,458,503,541,971,206,253,360,425,509,564}'::text[]),
  ('America/Anchorage', '{907}'::text[]),
  ('Pacific/Honolulu', '{808}'::text[])
) as z(tz, codes), unnest(z.codes) as code;

-- Whether a name is a time zone Postgres knows (cheaper than scanning pg_timezone_names).
create or replace function public.is_time_zone(p_name text)
  returns boolean
  language plpgsql stable
  set search_path = ''
as $$
begin
  if p_name is null or p_name !~ '^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$' then
    return false;
  end if;
  perform now() at time zone p_name;
  return true;
exception when others then
  return false;
end
$$;

-- The zones a callee may be in: p_time_zone when it is a real zone (a lead's stored zone), else
-- the customer's own (set by the team), else their area code's; a North American number of
-- unknown zone may be anywhere from Eastern to Pacific; any other number is taken to be in the
-- business's zone.
create or replace function public.callee_timezones(p_phone text, p_time_zone text default null)
  returns text[]
  language sql stable
  security definer
  set search_path = ''
as $$
  select coalesce(
    case when public.is_time_zone(p_time_zone) then array[p_time_zone] end,
    (select array[c.timezone] from public.customers as c where c.phone_number = p_phone and c.timezone is not null),
    (select array[a.time_zone] from public.area_code_time_zones as a
     where p_phone like '+1%' and a.area_code = substr(p_phone, 3, 3)),
    case when p_phone like '+1%'
      then array['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'] end,
    array[public.business_timezone()]
  )
$$;

-- The callee's zone when one zone is wanted (the first of callee_timezones).
create or replace function public.callee_time_zone(p_phone text, p_time_zone text default null)
  returns text
  language sql stable
  security definer
  set search_path = ''
as $$
  select (public.callee_timezones(p_phone, p_time_zone))[1]
$$;

-- 8 AM to 9 PM local time in every one of these zones.
create or replace function public.within_calling_hours_in(p_zones text[], p_at timestamptz)
  returns boolean
  language sql stable
  set search_path = ''
as $$
  select bool_and((p_at at time zone tz)::time >= time '08:00' and (p_at at time zone tz)::time < time '21:00')
  from unnest(p_zones) as tz
$$;

create or replace function public.is_within_calling_hours(p_phone text, p_at timestamptz default now(),
                                                          p_time_zone text default null)
  returns boolean
  language sql stable
  security definer
  set search_path = ''
as $$
  select public.within_calling_hours_in(public.callee_timezones(p_phone, p_time_zone), p_at)
$$;

-- The first moment from p_at (to the next 5 minutes) within calling hours; every zone's window
-- overlaps within any two days, so two days always find one.
create or replace function public.next_calling_time(p_phone text, p_time_zone text default null,
                                                    p_at timestamptz default now())
  returns timestamptz
  language sql stable
  security definer
  set search_path = ''
as $$
  with z as (select public.callee_timezones(p_phone, p_time_zone) as zones)
  select case when public.within_calling_hours_in(z.zones, p_at) then p_at else (
    select t from generate_series(date_bin(interval '5 minutes', p_at, timestamptz '2000-01-01') + interval '5 minutes',
                                  p_at + interval '2 days', interval '5 minutes') as t
    where public.within_calling_hours_in(z.zones, t)
    order by t limit 1)
  end
  from z
$$;

create or replace function public.is_do_not_call(p_phone text)
  returns boolean
  language sql stable
  security definer
  set search_path = ''
as $$
  select exists (select 1 from public.do_not_call where phone_key = public.phone_key(p_phone))
$$;

-- Whether an outbound call to p_phone may be dialled at p_at: {allowed, reason, next_at}.
-- reason: 'do_not_call' (never, next_at null), 'outside_calling_hours' (next_at: when it may),
-- 'invalid_number'. p_time_zone: the callee's stored zone, when the caller of this knows one.
create or replace function public.outbound_call_check(p_phone text, p_at timestamptz default now(),
                                                      p_time_zone text default null)
  returns jsonb
  language sql stable
  security definer
  set search_path = ''
as $$
  select case
    when public.callable_number(p_phone) is null
      then jsonb_build_object('allowed', false, 'reason', 'invalid_number', 'next_at', null)
    when public.is_do_not_call(p_phone)
      then jsonb_build_object('allowed', false, 'reason', 'do_not_call', 'next_at', null)
    when not public.is_within_calling_hours(p_phone, p_at, p_time_zone)
      then jsonb_build_object('allowed', false, 'reason', 'outside_calling_hours',
                              'next_at', public.next_calling_time(p_phone, p_time_zone, p_at))
    else jsonb_build_object('allowed', true, 'reason', null, 'next_at', p_at)
  end
$$;

-- Adds a number (idempotent). Security invoker: a team member adds under their own RLS policy,
-- as 'team' with their id recorded; the call functions (service role) add a caller's request.
create or replace function public.add_do_not_call(
  p_phone text,
  p_source text default 'team',
  p_reason text default null,
  p_conversation_id uuid default null
)
  returns boolean
  language plpgsql
  set search_path = ''
as $$
begin
  if current_user = 'authenticated' and not public.is_team_member() then
    raise exception 'only team members can change the do-not-call list' using errcode = '42501';
  end if;
  if not coalesce(public.is_e164(p_phone), false) then
    raise exception 'invalid phone number' using errcode = '22023', detail = 'expected E.164, like +15551234567';
  end if;
  insert into public.do_not_call (phone_number, source, reason, added_by, conversation_id)
  values (p_phone, coalesce(p_source, 'team'), nullif(btrim(p_reason), ''),
          case when current_user = 'authenticated' then auth.jwt() ->> 'sub' end, p_conversation_id)
  on conflict (phone_key) do nothing;
  return found;
end
$$;

revoke all on function public.phone_key(text) from public, anon;
revoke all on function public.is_time_zone(text) from public, anon;
revoke all on function public.within_calling_hours_in(text[], timestamptz) from public, anon;
revoke all on function public.set_do_not_call_key() from public, anon, authenticated;
revoke all on function public.check_customer_timezone() from public, anon, authenticated;
revoke all on function public.callee_timezones(text, text) from public, anon;
revoke all on function public.callee_time_zone(text, text) from public, anon;
revoke all on function public.is_within_calling_hours(text, timestamptz, text) from public, anon;
revoke all on function public.next_calling_time(text, text, timestamptz) from public, anon;
revoke all on function public.is_do_not_call(text) from public, anon;
revoke all on function public.outbound_call_check(text, timestamptz, text) from public, anon;
revoke all on function public.add_do_not_call(text, text, text, uuid) from public, anon;
grant execute on function public.phone_key(text) to authenticated, service_role;
grant execute on function public.is_time_zone(text) to authenticated, service_role;
grant execute on function public.within_calling_hours_in(text[], timestamptz) to authenticated, service_role;
grant execute on function public.callee_timezones(text, text) to authenticated, service_role;
grant execute on function public.callee_time_zone(text, text) to authenticated, service_role;
grant execute on function public.is_within_calling_hours(text, timestamptz, text) to authenticated, service_role;
grant execute on function public.next_calling_time(text, text, timestamptz) to authenticated, service_role;
grant execute on function public.is_do_not_call(text) to authenticated, service_role;
grant execute on function public.outbound_call_check(text, timestamptz, text) to authenticated, service_role;
grant execute on function public.add_do_not_call(text, text, text, uuid) to authenticated, service_role;

alter table public.do_not_call enable row level security;
alter table public.area_code_time_zones enable row level security;

revoke all on public.do_not_call, public.area_code_time_zones from anon, authenticated;
grant select, delete on public.do_not_call to authenticated;
grant insert (phone_number, source, reason, added_by, conversation_id) on public.do_not_call to authenticated;
grant update (reason) on public.do_not_call to authenticated;
grant select on public.area_code_time_zones to authenticated;
grant all on public.do_not_call, public.area_code_time_zones to service_role;

create policy "Team members can read the do-not-call list"
  on public.do_not_call for select to authenticated
  using ((select public.is_team_member()));

create policy "Team members can add numbers to the do-not-call list"
  on public.do_not_call for insert to authenticated
  with check ((select public.is_team_member()) and source = 'team' and added_by = (select auth.jwt() ->> 'sub'));

create policy "Team members can annotate the do-not-call list"
  on public.do_not_call for update to authenticated
  using ((select public.is_team_member()))
  with check ((select public.is_team_member()));

-- A caller's own request stays: only numbers the team added can be taken off.
create policy "Team members can remove numbers the team added"
  on public.do_not_call for delete to authenticated
  using ((select public.is_team_member()) and source = 'team');

create policy "Team members can read area code time zones"
  on public.area_code_time_zones for select to authenticated
  using ((select public.is_team_member()));

-- A due callback is dialled only when outbound_call_check allows it: a listed number cancels
-- the task (the team is told), outside calling hours it waits, uncounted, for the next window.
-- p_at is the worker's clock (the moment it would dial).
drop function public.begin_callback_attempt(uuid);
create function public.begin_callback_attempt(p_task_id uuid, p_at timestamptz default now())
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_task public.scheduled_tasks;
  v_phone text;
  v_check jsonb;
begin
  select * into v_task from public.scheduled_tasks where id = p_task_id and task_type = 'callback' for update;
  if not found or v_task.status <> 'in_progress' then
    return jsonb_build_object('ok', false, 'reason', 'not due');
  end if;
  v_phone := coalesce(public.callable_number(v_task.phone_number),
                      (select public.callable_number(phone_number) from public.customers where id = v_task.customer_id));
  if v_phone is not null then
    v_check := public.outbound_call_check(v_phone, p_at);
    if v_check ->> 'reason' = 'do_not_call' then
      update public.scheduled_tasks set status = 'cancelled' where id = p_task_id;
      perform public.enqueue_job('notify', jsonb_build_object('kind', 'callback_failed', 'task_id', p_task_id,
                                                              'reason', 'do_not_call'),
                                 'notify:callback_failed:' || p_task_id);
      return jsonb_build_object('ok', false, 'reason', 'do not call');
    elsif v_check ->> 'reason' = 'outside_calling_hours' then
      update public.scheduled_tasks set status = 'pending', scheduled_for = (v_check ->> 'next_at')::timestamptz
      where id = p_task_id;
      return jsonb_build_object('ok', false, 'reason', 'outside calling hours', 'deferred_until', v_check -> 'next_at');
    end if;
  end if;
  if v_task.attempts >= v_task.max_attempts or v_phone is null then
    update public.scheduled_tasks set status = 'failed' where id = p_task_id;
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'callback_failed', 'task_id', p_task_id),
                               'notify:callback_failed:' || p_task_id);
    return jsonb_build_object('ok', false, 'reason', case when v_phone is null then 'no number' else 'max attempts' end);
  end if;
  update public.scheduled_tasks set attempts = attempts + 1, last_attempt_at = now() where id = p_task_id
  returning * into v_task;
  return jsonb_build_object('ok', true, 'attempt', v_task.attempts, 'phone', v_phone);
end
$$;

revoke all on function public.begin_callback_attempt(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.begin_callback_attempt(uuid, timestamptz) to service_role;
