-- One conversational turn, committed atomically: the caller's words, the agent's reply, the
-- brain's new memory, and the actions its tools decided (lead, callback, message, transfer).
-- An 'event' turn (a transfer that ended) has an agent reply and no caller words.

-- Merges lead fields into the call's customer (never a second row) and returns its id. A caller
-- with a withheld number becomes a customer once they give a number; without one the lead has
-- nowhere to live and stays in the call's state only.
create or replace function public.apply_lead(p_conversation public.conversations, p_lead jsonb)
  returns uuid
  language plpgsql
  set search_path = ''
as $$
declare
  v_customer_id uuid := p_conversation.customer_id;
  v_email text := lower(nullif(btrim(p_lead ->> 'email'), ''));
  v_phone text := public.callable_number(regexp_replace(p_lead ->> 'phone', '[^0-9+]', '', 'g'));
begin
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    v_email := null;
  end if;
  if v_customer_id is null then
    if v_phone is null then
      return null;
    end if;
    v_customer_id := public.record_caller(v_phone);
    update public.conversations set customer_id = v_customer_id where id = p_conversation.id;
  end if;

  update public.customers as c set
    name = coalesce(nullif(btrim(p_lead ->> 'name'), ''), c.name),
    company = coalesce(nullif(btrim(p_lead ->> 'company'), ''), c.company),
    email = coalesce(v_email, c.email),
    need = coalesce(nullif(btrim(p_lead ->> 'need'), ''), c.need),
    timeline = coalesce(nullif(btrim(p_lead ->> 'timeline'), ''), c.timeline),
    -- A second number for a known caller: the team should see it, caller ID stays the key.
    notes = case
      when v_phone is null or v_phone = c.phone_number or strpos(coalesce(c.notes, ''), v_phone) > 0 then c.notes
      else concat_ws(E'\n', c.notes, 'Also reachable at ' || v_phone)
    end
  where c.id = v_customer_id;
  return v_customer_id;
end
$$;

-- An ISO instant; one without an offset is read as the business's local time.
create or replace function public.parse_callback_time(p_at text)
  returns timestamptz
  language plpgsql stable
  set search_path = ''
as $$
begin
  if p_at ~ '[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?\s*(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)$' then
    return p_at::timestamptz;
  end if;
  return p_at::timestamp at time zone public.business_timezone();
exception
  when others then
    return null;
end
$$;

-- Books the call's callback; a second one in the same call moves the first.
create or replace function public.apply_callback(
  p_conversation_id uuid,
  p_customer_id uuid,
  p_callback jsonb,
  p_fallback_phone text,
  p_assignee text
)
  returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_at timestamptz := public.parse_callback_time(p_callback ->> 'at');
  v_phone text := coalesce(
    public.callable_number(regexp_replace(p_callback ->> 'phone', '[^0-9+]', '', 'g')),
    p_fallback_phone
  );
  v_topic_owner text := public.team_member_for_topic(p_callback ->> 'topic');
begin
  if v_at is null then
    raise exception 'invalid callback time' using errcode = '22007', detail = format('%L', p_callback ->> 'at');
  end if;
  insert into public.scheduled_tasks as t
    (customer_id, conversation_id, task_type, scheduled_for, phone_number, notes, assigned_to)
  values (p_customer_id, p_conversation_id, 'callback', v_at, v_phone,
          nullif(btrim(p_callback ->> 'notes'), ''), coalesce(v_topic_owner, p_assignee))
  on conflict (conversation_id) where task_type = 'callback' and status = 'pending'
  do update set
    scheduled_for = excluded.scheduled_for,
    phone_number = excluded.phone_number,
    notes = coalesce(excluded.notes, t.notes),
    customer_id = coalesce(excluded.customer_id, t.customer_id),
    assigned_to = coalesce(v_topic_owner, t.assigned_to);
end
$$;

create or replace function public.record_turn(
  p_call_sid text,
  p_turn int,
  p_input jsonb,
  p_reply text,
  p_meta jsonb,
  p_state jsonb,
  p_actions jsonb
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_kind text := coalesce(p_input ->> 'kind', 'speech');
  v_meta jsonb := coalesce(p_meta, '{}');
  v_actions jsonb := coalesce(p_actions, '{}');
  v_customer_id uuid;
  v_caller_phone text;
  v_default_assignee text;
  v_transfer_phone text;
  v_replayed record;
begin
  if p_turn is null or p_turn < 1 then
    raise exception 'invalid turn' using errcode = '22023', detail = 'turn 0 is the greeting; caller turns start at 1';
  end if;
  if v_kind not in ('speech', 'digits', 'silence', 'text', 'event') then
    raise exception 'invalid input kind' using errcode = '22023', detail = format('%L', v_kind);
  end if;
  if jsonb_typeof(v_actions) <> 'object' then
    raise exception 'invalid actions' using errcode = '22023', detail = 'actions must be a JSON object';
  end if;

  -- The row lock serialises retries of the same turn.
  select * into v_conversation from public.conversations where call_sid = p_call_sid for update;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;

  select a.content, a.actions into v_replayed
  from public.messages as m
  left join public.messages as a on a.conversation_id = m.conversation_id and a.turn = m.turn and a.role = 'agent'
  where m.conversation_id = v_conversation.id and m.turn = p_turn
  limit 1;
  if found then
    return jsonb_build_object('replayed', true, 'reply', v_replayed.content,
                              'actions', coalesce(v_replayed.actions, '{}'));
  end if;

  -- Only a number on the team may be dialled, whatever the model was talked into.
  if jsonb_typeof(v_actions -> 'transfer') = 'object' then
    select t.phone into v_transfer_phone
    from public.team_members as t
    where t.active
      and coalesce(v_actions -> 'transfer' ->> 'user_id', v_actions -> 'transfer' ->> 'phone') is not null
      and t.user_id = coalesce(v_actions -> 'transfer' ->> 'user_id', t.user_id)
      and t.phone = coalesce(v_actions -> 'transfer' ->> 'phone', t.phone);
    if not found then
      raise exception 'unknown transfer target' using errcode = '22023',
        detail = 'transfers go to active team members only';
    end if;
  end if;

  if v_kind <> 'event' then
    insert into public.messages (conversation_id, turn, role, kind, content, confidence)
    values (v_conversation.id, p_turn, 'caller', v_kind,
            case when v_kind <> 'silence' then coalesce(p_input ->> 'text', p_input ->> 'digits', '') else '' end,
            nullif(p_input ->> 'confidence', '')::real);
  end if;

  insert into public.messages
    (conversation_id, turn, role, content, latency_ms, provider, tokens_in, tokens_out, cost_usd, tools, actions)
  values (v_conversation.id, p_turn, 'agent', coalesce(p_reply, ''),
          round(nullif(v_meta ->> 'latency_ms', '')::numeric)::int,
          v_meta ->> 'provider',
          round(nullif(v_meta ->> 'tokens_in', '')::numeric)::int,
          round(nullif(v_meta ->> 'tokens_out', '')::numeric)::int,
          nullif(v_meta ->> 'cost_usd', '')::numeric,
          case when jsonb_typeof(v_meta -> 'tools') = 'array'
               then array(select jsonb_array_elements_text(v_meta -> 'tools')) end,
          v_actions);

  v_customer_id := v_conversation.customer_id;
  if jsonb_typeof(v_actions -> 'lead') = 'object' then
    v_customer_id := public.apply_lead(v_conversation, v_actions -> 'lead');
  end if;

  v_caller_phone := coalesce(
    (select phone_number from public.customers where id = v_customer_id),
    public.callable_number(case v_conversation.direction when 'inbound' then v_conversation.from_number
                                                         else v_conversation.to_number end)
  );
  v_default_assignee := (public.call_config(v_conversation.agent_config_id)).default_transfer_user_id;

  if jsonb_typeof(v_actions -> 'callback') = 'object' then
    perform public.apply_callback(v_conversation.id, v_customer_id, v_actions -> 'callback',
                                  v_caller_phone, v_default_assignee);
  end if;

  if jsonb_typeof(v_actions -> 'message') = 'object' then
    insert into public.scheduled_tasks
      (customer_id, conversation_id, task_type, scheduled_for, phone_number, notes, assigned_to)
    values (v_customer_id, v_conversation.id, 'message', now(), v_caller_phone,
            nullif(btrim(v_actions -> 'message' ->> 'text'), ''),
            coalesce(public.team_member_for_topic(v_actions -> 'message' ->> 'topic'), v_default_assignee));
  end if;

  update public.conversations set
    state = coalesce(p_state, state),
    last_turn = greatest(last_turn, p_turn),
    silence_count = case v_kind when 'silence' then silence_count + 1 when 'event' then silence_count else 0 end,
    cost_usd = cost_usd + coalesce(nullif(v_meta ->> 'cost_usd', '')::numeric, 0),
    escalated = escalated or v_transfer_phone is not null,
    transferred_to = coalesce(v_transfer_phone, transferred_to),
    transfer_status = case when v_transfer_phone is not null then null else transfer_status end,
    outcome = case when v_transfer_phone is not null then 'escalated' else outcome end
  where id = v_conversation.id;

  return jsonb_build_object('replayed', false, 'reply', coalesce(p_reply, ''), 'actions', v_actions);
end
$$;

revoke all on function public.apply_lead(public.conversations, jsonb) from public, anon, authenticated;
revoke all on function public.parse_callback_time(text) from public, anon, authenticated;
revoke all on function public.apply_callback(uuid, uuid, jsonb, text, text) from public, anon, authenticated;
revoke all on function public.record_turn(text, int, jsonb, text, jsonb, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.record_turn(text, int, jsonb, text, jsonb, jsonb, jsonb) to service_role;
