-- book_meeting() takes a lock per team member before its insert, so callers racing for one slot
-- get 'slot taken' instead of a deadlock error (seen once in a loaded full test run).

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
  -- Two callers taking the same slot at once: each insert would find the other's row in the
  -- exclusion index and wait for it, a deadlock Postgres breaks by failing one of them (the
  -- caller heard the fallback apology). One booking per member at a time: the second waits,
  -- then meets the first's committed row as an exclusion violation ('slot taken').
  perform pg_advisory_xact_lock(hashtext('book_meeting:' || p_member));
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
