-- Meetings the agent books with a team member: one row per meeting, in every calendar mode
-- (Google Calendar, Cal.com, or none). The row is the lock: an exclusion constraint on each
-- member's confirmed meeting ranges means two callers can never get the same slot, whatever
-- order their requests arrive in. The external calendar event is created after the row commits.

create extension if not exists btree_gist with schema extensions;

-- The member's calendar: a Google calendar id (usually their email) or a Cal.com event type id.
alter table public.team_members add column calendar_id text;

create table public.meetings (
  id uuid primary key default gen_random_uuid(),
  team_member_id text not null references public.team_members (user_id),
  customer_id uuid references public.customers on delete set null,
  conversation_id uuid references public.conversations on delete set null,
  title text not null check (length(btrim(title)) between 1 and 200),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  status text not null default 'confirmed' check (status in ('confirmed', 'cancelled')),
  provider text not null check (provider in ('google', 'calcom', 'local')),
  -- The Google event id or the Cal.com booking uid, once created there.
  external_id text,
  attendee_name text,
  attendee_email text check (attendee_email = lower(attendee_email)),
  attendee_phone text check (attendee_phone is null or public.is_e164(attendee_phone)),
  invite_sent_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (ends_at > starts_at and ends_at - starts_at <= interval '4 hours'),
  constraint meetings_no_overlap_per_member exclude using gist (
    team_member_id with =, tstzrange(starts_at, ends_at, '[)') with &&
  ) where (status = 'confirmed')
);

create index meetings_starts_at_idx on public.meetings (starts_at);
create index meetings_conversation_id_idx on public.meetings (conversation_id) where conversation_id is not null;

create trigger meetings_set_updated_at
  before update on public.meetings
  for each row execute function public.set_updated_at();

alter table public.meetings enable row level security;
revoke all on public.meetings from anon, authenticated;
grant select, update on public.meetings to authenticated;
grant all on public.meetings to service_role;

create policy "Team members can read meetings"
  on public.meetings for select to authenticated
  using ((select public.is_team_member()));
create policy "Team members can update meetings"
  on public.meetings for update to authenticated
  using ((select public.is_team_member()))
  with check ((select public.is_team_member()));

-- The member's confirmed meetings overlapping [p_from, p_to), for the free-slot search.
create or replace function public.member_busy(p_member text, p_from timestamptz, p_to timestamptz)
  returns jsonb
  language sql stable
  security definer
  set search_path = ''
as $$
  select coalesce(jsonb_agg(jsonb_build_object('start', starts_at, 'end', ends_at) order by starts_at), '[]')
  from public.meetings
  where team_member_id = p_member and status = 'confirmed'
    and tstzrange(starts_at, ends_at, '[)') && tstzrange(p_from, p_to, '[)')
$$;

-- Books a slot for the call's caller. {ok: true, meeting} with the committed row, or
-- {ok: false, reason: 'slot taken'} when the member already has a confirmed meeting overlapping
-- it (the exclusion constraint decides, so concurrent callers cannot both win). A retried
-- request for the same call and slot returns the meeting already booked.
create or replace function public.book_meeting(
  p_call_sid text,
  p_member text,
  p_starts_at timestamptz,
  p_minutes int,
  p_title text,
  p_provider text
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_customer public.customers;
  v_meeting public.meetings;
begin
  if p_minutes is null or p_minutes not between 5 and 240 then
    raise exception 'meeting length must be 5 to 240 minutes' using errcode = '22023';
  end if;
  if p_starts_at is null or p_starts_at <= now() then
    raise exception 'a meeting must start in the future' using errcode = '22023';
  end if;
  if not exists (select 1 from public.team_members where user_id = p_member and active) then
    raise exception 'unknown or inactive team member' using errcode = 'P0002';
  end if;
  select * into v_conversation from public.conversations where call_sid = p_call_sid;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  select * into v_meeting from public.meetings
  where conversation_id = v_conversation.id and team_member_id = p_member and starts_at = p_starts_at
    and status = 'confirmed';
  if found then
    return jsonb_build_object('ok', true, 'meeting', to_jsonb(v_meeting), 'replayed', true);
  end if;
  select * into v_customer from public.customers where id = v_conversation.customer_id;
  begin
    insert into public.meetings (team_member_id, customer_id, conversation_id, title, starts_at, ends_at, provider,
                                 attendee_name, attendee_email, attendee_phone)
    values (p_member, v_customer.id, v_conversation.id, coalesce(nullif(btrim(p_title), ''), 'Meeting'), p_starts_at,
            p_starts_at + make_interval(mins => p_minutes), p_provider, v_customer.name, v_customer.email,
            public.callable_number(v_customer.phone_number))
    returning * into v_meeting;
  exception when exclusion_violation then
    return jsonb_build_object('ok', false, 'reason', 'slot taken');
  end;
  update public.conversations as c
  set state = c.state || jsonb_build_object('meeting', jsonb_build_object('id', v_meeting.id,
        'starts_at', v_meeting.starts_at, 'member', p_member))
  where c.id = v_conversation.id;
  -- Without a calendar service the invite goes out by email (ICS) from the jobs worker.
  if p_provider = 'local' then
    perform public.enqueue_job('meeting_invite', jsonb_build_object('meeting_id', v_meeting.id),
                               'meeting_invite:' || v_meeting.id);
  end if;
  return jsonb_build_object('ok', true, 'meeting', to_jsonb(v_meeting), 'replayed', false);
end
$$;

-- The external calendar accepted the meeting (its event id), or refused it (the row is cancelled
-- so the slot is free again).
create or replace function public.settle_meeting(p_meeting_id uuid, p_external_id text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_meeting public.meetings;
begin
  update public.meetings
  set external_id = p_external_id,
      status = case when p_external_id is null then 'cancelled' else status end
  where id = p_meeting_id
  returning * into v_meeting;
  if not found then
    raise exception 'unknown meeting' using errcode = 'P0002';
  end if;
  if p_external_id is null then
    update public.conversations as c set state = c.state - 'meeting'
    where c.id = v_meeting.conversation_id and c.state -> 'meeting' ->> 'id' = p_meeting_id::text;
  end if;
  return to_jsonb(v_meeting);
end
$$;

-- What the invite job needs: the meeting, its member and the business.
create or replace function public.meeting_invite_context(p_meeting_id uuid)
  returns jsonb
  language sql stable
  security definer
  set search_path = ''
as $$
  select jsonb_build_object(
    'meeting', to_jsonb(m),
    'member', (select jsonb_build_object('name', t.name, 'email', t.email) from public.team_members t
               where t.user_id = m.team_member_id),
    'business', (select jsonb_build_object('name', a.business_name, 'timezone', a.timezone)
                 from public.agent_configs a where a.is_active))
  from public.meetings as m where m.id = p_meeting_id
$$;

revoke all on function public.member_busy(text, timestamptz, timestamptz) from public, anon, authenticated;
revoke all on function public.book_meeting(text, text, timestamptz, int, text, text) from public, anon, authenticated;
revoke all on function public.settle_meeting(uuid, text) from public, anon, authenticated;
revoke all on function public.meeting_invite_context(uuid) from public, anon, authenticated;
grant execute on function public.member_busy(text, timestamptz, timestamptz) to service_role;
grant execute on function public.book_meeting(text, text, timestamptz, int, text, text) to service_role;
grant execute on function public.settle_meeting(uuid, text) to service_role;
grant execute on function public.meeting_invite_context(uuid) to service_role;
