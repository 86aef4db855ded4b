-- Every state change of a call is one of these functions, one transaction each, idempotent on
-- Twilio's CallSid so that a retried webhook changes nothing twice. The webhooks call them with
-- the service role; nobody else may.

-- The caller's number when it is one we can call back: Twilio sends 'anonymous', 'client:...',
-- 'sip:...' or one of its digit stand-ins for a withheld caller ID.
create or replace function public.callable_number(p_number text)
  returns text
  language sql immutable
  set search_path = ''
as $$
  select case
    when public.is_e164(p_number)
     and p_number not in ('+266696687', '+7378742833', '+2562533', '+8656696', '+86282452253')
    then p_number
  end
$$;

-- The active team member who takes a topic (case-insensitive), if any.
create or replace function public.team_member_for_topic(p_topic text)
  returns text
  language sql stable
  set search_path = ''
as $$
  select user_id
  from public.team_members
  where active and exists (select 1 from unnest(topics) as t where lower(t) = lower(btrim(p_topic)))
  order by user_id
  limit 1
$$;

-- The customer calling from this number, created on their first call; counts the call.
create or replace function public.record_caller(p_phone text)
  returns uuid
  language sql
  set search_path = ''
as $$
  insert into public.customers as c (phone_number, call_count, last_call_at)
  values (p_phone, 1, now())
  on conflict (phone_number) do update set call_count = c.call_count + 1, last_call_at = now()
  returning c.id
$$;

-- The call's agent config, or the active one for a call that has none.
create or replace function public.call_config(p_agent_config_id uuid)
  returns public.agent_configs
  language sql stable
  set search_path = ''
as $$
  select * from public.agent_configs
  where id = p_agent_config_id or (p_agent_config_id is null and is_active)
$$;

-- What a webhook needs beside the call itself: customer, agent config, team, opening hours.
create or replace function public.call_snapshot(p_conversation public.conversations)
  returns jsonb
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_customer public.customers;
  v_config public.agent_configs := public.call_config(p_conversation.agent_config_id);
begin
  select * into v_customer from public.customers where id = p_conversation.customer_id;
  return jsonb_build_object(
    'customer', case when v_customer.id is not null then to_jsonb(v_customer) end,
    'config', case when v_config.id is not null then to_jsonb(v_config) end,
    'team', (select coalesce(jsonb_agg(to_jsonb(t) order by t.user_id), '[]')
             from public.team_members as t where t.active),
    'within_hours', case when v_config.id is not null then public.is_within_business_hours(v_config) end
  );
end
$$;

create or replace function public.start_call(
  p_call_sid text,
  p_from text,
  p_to text,
  p_direction text default 'inbound'
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_customer_id uuid;
  v_phone text;
  v_created boolean := false;
begin
  if coalesce(p_call_sid, '') = '' or p_from is null or p_to is null then
    raise exception 'call_sid, from and to are required' using errcode = '22023';
  end if;
  if p_direction is null or p_direction not in ('inbound', 'outbound') then
    raise exception 'invalid direction' using errcode = '22023', detail = format('%L', p_direction);
  end if;

  -- Serialises concurrent retries of the same call, so the customer is counted once.
  perform pg_advisory_xact_lock(hashtextextended('start_call:' || p_call_sid, 0));

  select * into v_conversation from public.conversations where call_sid = p_call_sid;
  if not found then
    v_created := true;
    v_phone := public.callable_number(case p_direction when 'inbound' then p_from else p_to end);
    if v_phone is not null then
      v_customer_id := public.record_caller(v_phone);
    end if;
    insert into public.conversations (call_sid, customer_id, agent_config_id, direction, from_number, to_number)
    values (p_call_sid, v_customer_id, (select id from public.agent_configs where is_active),
            p_direction, p_from, p_to)
    returning * into v_conversation;
  end if;

  return public.call_snapshot(v_conversation) || jsonb_build_object(
    'conversation_id', v_conversation.id,
    'created', v_created,
    -- Known by name from before this call: a row that predates it, or an earlier call.
    'returning', exists (
      select 1 from public.customers as c
      where c.id = v_conversation.customer_id
        and nullif(btrim(c.name), '') is not null
        and (c.created_at < v_conversation.started_at
             or exists (select 1 from public.conversations as o
                        where o.customer_id = c.id and o.started_at < v_conversation.started_at))
    )
  );
end
$$;

-- The call's messages in speaking order (within a turn, the caller before the agent).
create or replace function public.call_history(p_conversation_id uuid)
  returns jsonb
  language sql stable
  set search_path = ''
as $$
  select coalesce(jsonb_agg(
           jsonb_build_object('turn', m.turn, 'role', m.role, 'kind', m.kind, 'content', m.content, 'at', m.created_at)
           order by m.turn, m.role = 'agent', m.id), '[]')
  from public.messages as m
  where m.conversation_id = p_conversation_id
$$;

create or replace function public.load_turn_context(p_call_sid text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
begin
  select * into v_conversation from public.conversations where call_sid = p_call_sid;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  return public.call_snapshot(v_conversation) || jsonb_build_object(
    'conversation', to_jsonb(v_conversation),
    'history', public.call_history(v_conversation.id)
  );
end
$$;

create or replace function public.record_greeting(p_call_sid text, p_greeting text)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation_id uuid;
begin
  select id into v_conversation_id from public.conversations where call_sid = p_call_sid;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  insert into public.messages (conversation_id, turn, role, content)
  values (v_conversation_id, 0, 'agent', coalesce(p_greeting, ''))
  on conflict (conversation_id, turn, role) do nothing;
  return found;
end
$$;

-- Twilio's status callback. Closes a call once; a late 'ringing' or 'in-progress' for a closed
-- call, and any status for a call we never answered, change nothing.
create or replace function public.finish_call(p_call_sid text, p_status text, p_duration_seconds int)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
begin
  if p_status is null or p_status not in (
    'queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled'
  ) then
    raise exception 'invalid call status' using errcode = '22023', detail = format('%L', p_status);
  end if;

  select * into v_conversation from public.conversations where call_sid = p_call_sid for update;
  if not found then
    return jsonb_build_object('closed', false, 'reason', 'unknown call');
  end if;
  if v_conversation.ended_at is not null then
    return jsonb_build_object('closed', false, 'reason', 'already closed', 'conversation_id', v_conversation.id,
                              'status', v_conversation.status, 'outcome', v_conversation.outcome);
  end if;
  if p_status in ('queued', 'initiated', 'ringing', 'in-progress') then
    return jsonb_build_object('closed', false, 'reason', 'call in progress', 'conversation_id', v_conversation.id);
  end if;

  update public.conversations as c set
    status = p_status,
    ended_at = now(),
    duration_seconds = coalesce(p_duration_seconds, greatest(0, extract(epoch from now() - c.started_at))::int),
    outcome = coalesce(c.outcome, case
      when c.escalated then 'escalated'
      when exists (select 1 from public.scheduled_tasks as t
                   where t.conversation_id = c.id and t.task_type = 'callback' and t.status <> 'cancelled')
        then 'callback_booked'
      when exists (select 1 from public.scheduled_tasks as t
                   where t.conversation_id = c.id and t.task_type = 'message' and t.status <> 'cancelled')
        then 'message_taken'
      when exists (select 1 from public.messages as m
                   where m.conversation_id = c.id and m.actions -> 'lead' <> '{}'::jsonb)
        then 'lead_captured'
      when not exists (select 1 from public.messages as m
                       where m.conversation_id = c.id and m.role = 'caller' and m.kind <> 'silence')
        then 'abandoned'
      else 'answered'
    end)
  where c.id = v_conversation.id
  returning * into v_conversation;

  return jsonb_build_object('closed', true, 'conversation_id', v_conversation.id, 'status', v_conversation.status,
                            'outcome', v_conversation.outcome, 'duration_seconds', v_conversation.duration_seconds);
end
$$;

-- The <Dial> action: how the transfer to a team member ended.
create or replace function public.record_dial_result(p_call_sid text, p_dial_status text, p_dial_duration int)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
begin
  if p_dial_status is null or p_dial_status not in ('completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled') then
    raise exception 'invalid dial status' using errcode = '22023', detail = format('%L', p_dial_status);
  end if;
  update public.conversations
  set transfer_status = p_dial_status, transfer_duration_seconds = p_dial_duration
  where call_sid = p_call_sid
  returning * into v_conversation;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  return jsonb_build_object('conversation_id', v_conversation.id, 'transfer_status', v_conversation.transfer_status,
                            'transferred_to', v_conversation.transferred_to,
                            'answered', p_dial_status in ('completed', 'answered'));
end
$$;

-- The fallback path's <Record> action: a voicemail becomes a message task for the team. The call
-- may be unknown (the database was down when it started); a retried action stores it once.
create or replace function public.record_voicemail(
  p_call_sid text,
  p_from text,
  p_recording_url text,
  p_duration_seconds int
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_customer_id uuid;
  v_phone text := public.callable_number(p_from);
  v_task_id uuid;
  v_created boolean := false;
begin
  if coalesce(p_recording_url, '') = '' then
    raise exception 'recording url is required' using errcode = '22023';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('voicemail:' || p_recording_url, 0));

  select * into v_conversation from public.conversations where call_sid = p_call_sid;
  select id, customer_id into v_task_id, v_customer_id from public.scheduled_tasks
  where task_type = 'message' and strpos(notes, p_recording_url) > 0;
  if not found then
    v_customer_id := v_conversation.customer_id;
    -- A call the database never saw has not been counted yet.
    if v_conversation.id is null and v_phone is not null then
      v_customer_id := public.record_caller(v_phone);
    end if;
    insert into public.scheduled_tasks
      (customer_id, conversation_id, task_type, scheduled_for, phone_number, notes, assigned_to)
    values (v_customer_id, v_conversation.id, 'message', now(), v_phone,
            format('Voicemail (%s s): %s', coalesce(p_duration_seconds::text, '?'), p_recording_url),
            (public.call_config(v_conversation.agent_config_id)).default_transfer_user_id)
    returning id into v_task_id;
    v_created := true;
  end if;

  return jsonb_build_object('task_id', v_task_id, 'created', v_created,
                            'conversation_id', v_conversation.id, 'customer_id', v_customer_id);
end
$$;

-- Security invoker: the admin's own RLS policy on agent_configs applies; the service role
-- (and the local stack's postgres) bypass RLS.
create or replace function public.set_hours_override(p_value text)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_config_id uuid;
begin
  if p_value is not null and p_value not in ('open', 'closed') then
    raise exception 'invalid hours override' using errcode = '22023', detail = format('%L', p_value);
  end if;
  if current_user = 'authenticated' and not public.is_team_admin() then
    raise exception 'only team admins can change opening hours' using errcode = '42501';
  end if;
  update public.agent_configs set hours_override = p_value where is_active returning id into v_config_id;
  if not found then
    raise exception 'no active agent config' using errcode = 'P0002';
  end if;
  return jsonb_build_object('config_id', v_config_id, 'hours_override', p_value);
end
$$;

revoke all on function public.callable_number(text) from public, anon, authenticated;
revoke all on function public.record_caller(text) from public, anon, authenticated;
revoke all on function public.call_config(uuid) from public, anon, authenticated;
revoke all on function public.team_member_for_topic(text) from public, anon, authenticated;
revoke all on function public.call_snapshot(public.conversations) from public, anon, authenticated;
revoke all on function public.start_call(text, text, text, text) from public, anon, authenticated;
revoke all on function public.call_history(uuid) from public, anon, authenticated;
revoke all on function public.load_turn_context(text) from public, anon, authenticated;
revoke all on function public.record_greeting(text, text) from public, anon, authenticated;
revoke all on function public.finish_call(text, text, int) from public, anon, authenticated;
revoke all on function public.record_dial_result(text, text, int) from public, anon, authenticated;
revoke all on function public.record_voicemail(text, text, text, int) from public, anon, authenticated;
revoke all on function public.set_hours_override(text) from public, anon;

grant execute on function public.start_call(text, text, text, text) to service_role;
grant execute on function public.load_turn_context(text) to service_role;
grant execute on function public.record_greeting(text, text) to service_role;
grant execute on function public.finish_call(text, text, int) to service_role;
grant execute on function public.record_dial_result(text, text, int) to service_role;
grant execute on function public.record_voicemail(text, text, text, int) to service_role;
grant execute on function public.set_hours_override(text) to authenticated, service_role;
