-- The agent keeps its word (issue 12): tasks that match what was said, lead data that changes
-- only on evidence, and Spanish-speaking callers.

-- The records match what the agent said. A callback or message carries its topic and the team
-- member the agent named; that member gets it (if active), else the topic's owner, else the
-- default. One open task per need per call: the same request twice in a call updates the task it
-- already made. A message is due when the team is next open, never "overdue" at birth. record_turn
-- returns what it committed, so whatever is confirmed can be checked against it.

alter table public.scheduled_tasks add column topic text;

create unique index scheduled_tasks_one_pending_message_per_need
  on public.scheduled_tasks (conversation_id, coalesce(lower(topic), ''))
  where task_type = 'message' and status = 'pending' and conversation_id is not null;

-- When the business next opens at or after p_at, by its weekly hours and holidays (the override
-- is about now, not a schedule). p_at itself when it is open then; p_at when nothing opens within
-- two weeks.
create or replace function public.next_business_opening(p_config public.agent_configs, p_at timestamptz default now())
  returns timestamptz
  language plpgsql stable
  set search_path = ''
as $$
declare
  v_local timestamp := p_at at time zone p_config.timezone;
  v_day date;
  v_span jsonb;
begin
  for i in 0..14 loop
    v_day := v_local::date + i;
    continue when v_day = any (coalesce(p_config.holidays, '{}'));
    for v_span in
      select s.span from jsonb_array_elements(coalesce(p_config.business_hours -> to_char(v_day, 'dy'), '[]')) as s(span)
      order by s.span ->> 0
    loop
      if v_day + (v_span ->> 1)::time > v_local then
        return greatest(v_day + (v_span ->> 0)::time, v_local) at time zone p_config.timezone;
      end if;
    end loop;
  end loop;
  return p_at;
end
$$;

-- Who takes a task: the member the agent named (active only), else the topic's owner, else the
-- default person.
create or replace function public.task_assignee(p_named text, p_topic text, p_default text)
  returns text
  language sql stable
  set search_path = ''
as $$
  select coalesce(
    (select user_id from public.team_members where active and user_id = p_named),
    public.team_member_for_topic(p_topic),
    p_default
  )
$$;

-- What the caller was told, as committed.
create or replace function public.task_summary(p_task public.scheduled_tasks)
  returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'task_id', p_task.id, 'task_type', p_task.task_type, 'at', p_task.scheduled_for,
    'phone', p_task.phone_number, 'topic', p_task.topic, 'assigned_to', p_task.assigned_to,
    'assignee_name', (select name from public.team_members where user_id = p_task.assigned_to)
  )
$$;

drop function public.apply_callback(uuid, uuid, jsonb, text, text);

-- Books the call's callback; a second one in the same call moves the first. Returns the task.
create function public.apply_callback(
  p_conversation_id uuid,
  p_customer_id uuid,
  p_callback jsonb,
  p_fallback_phone text,
  p_default_assignee text
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_at timestamptz := public.parse_callback_time(p_callback ->> 'at');
  v_phone text := coalesce(
    public.callable_number(regexp_replace(p_callback ->> 'phone', '[^0-9+]', '', 'g')),
    p_fallback_phone
  );
  v_topic text := nullif(btrim(p_callback ->> 'topic'), '');
  v_assignee text := public.task_assignee(p_callback ->> 'user_id', v_topic, p_default_assignee);
  v_task public.scheduled_tasks;
begin
  if v_at is null then
    raise exception 'invalid callback time' using errcode = '22007', detail = format('%L', p_callback ->> 'at');
  end if;
  insert into public.scheduled_tasks as t
    (customer_id, conversation_id, task_type, scheduled_for, phone_number, notes, assigned_to, topic)
  values (p_customer_id, p_conversation_id, 'callback', v_at, v_phone,
          nullif(btrim(p_callback ->> 'notes'), ''), v_assignee, v_topic)
  on conflict (conversation_id) where task_type = 'callback' and status = 'pending'
  do update set
    scheduled_for = excluded.scheduled_for,
    phone_number = excluded.phone_number,
    notes = coalesce(excluded.notes, t.notes),
    customer_id = coalesce(excluded.customer_id, t.customer_id),
    topic = coalesce(excluded.topic, t.topic),
    -- Only a named person or a topic moves it; a bare re-booking keeps who was promised.
    assigned_to = case
      when excluded.topic is not null or p_callback ->> 'user_id' is not null then excluded.assigned_to
      else t.assigned_to
    end
  returning * into v_task;
  return public.task_summary(v_task);
end
$$;

-- A message for the team: one per need (topic) per call; the same need again adds nothing new.
-- Due when the team is next open.
create or replace function public.apply_message(
  p_conversation public.conversations,
  p_customer_id uuid,
  p_message jsonb,
  p_phone text,
  p_default_assignee text
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_topic text := nullif(btrim(p_message ->> 'topic'), '');
  v_text text := nullif(btrim(p_message ->> 'text'), '');
  v_task public.scheduled_tasks;
begin
  insert into public.scheduled_tasks as t
    (customer_id, conversation_id, task_type, scheduled_for, phone_number, notes, assigned_to, topic)
  values (p_customer_id, p_conversation.id, 'message',
          public.next_business_opening(public.call_config(p_conversation.agent_config_id), now()),
          p_phone, v_text, public.task_assignee(p_message ->> 'user_id', v_topic, p_default_assignee), v_topic)
  on conflict (conversation_id, coalesce(lower(topic), ''))
    where task_type = 'message' and status = 'pending' and conversation_id is not null
  do update set
    notes = case
      when excluded.notes is null or strpos(coalesce(t.notes, ''), excluded.notes) > 0 then t.notes
      else concat_ws(E'\n', t.notes, excluded.notes)
    end,
    customer_id = coalesce(t.customer_id, excluded.customer_id)
  returning * into v_task;
  return public.task_summary(v_task);
end
$$;

-- Spanish-speaking callers: the call's language is stored (the brain says which language the
-- caller speaks, turn by turn) and knowledge articles may carry a Spanish version.

alter table public.conversations
  add column language text check (language ~ '^[a-z]{2}(-[A-Z]{2})?$');

alter table public.knowledge_articles add column body_es text;

drop function public.search_knowledge(text, int);

create function public.search_knowledge(p_query text, p_limit int default 3)
  returns table (id uuid, title text, body text, body_es text, tags text[], rank real)
  language sql stable
  set search_path = ''
as $$
  with question as (
    select string_agg(
             '''' || replace(replace(t.lexeme, '\', '\\'), '''', '''''') || '''',
             ' | '
           )::tsquery as query
    from unnest(to_tsvector('english'::regconfig, coalesce(p_query, ''))) as t
  )
  select a.id, a.title, a.body, a.body_es, a.tags, ts_rank_cd(a.search, q.query) as rank
  from public.knowledge_articles as a
  cross join question as q
  where a.active and a.search @@ q.query
  order by rank desc, a.title
  limit greatest(1, least(coalesce(p_limit, 3), 20))
$$;

revoke all on function public.search_knowledge(text, int) from public, anon;
grant execute on function public.search_knowledge(text, int) to authenticated, service_role;

-- The call's language follows what the brain reports in the turn's meta.
create or replace function public.set_call_language(p_conversation_id uuid, p_meta jsonb)
  returns text
  language sql
  set search_path = ''
as $$
  update public.conversations as c
  set language = coalesce(
    case when p_meta ->> 'language' ~ '^[a-z]{2}(-[A-Z]{2})?$' then p_meta ->> 'language' end,
    c.language
  )
  where c.id = p_conversation_id
  returning c.language
$$;
revoke all on function public.set_call_language(uuid, jsonb) from public, anon, authenticated;

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
  v_committed jsonb := '{}';
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
                              'actions', coalesce(v_replayed.actions, '{}'), 'language', v_conversation.language);
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
    v_committed := v_committed || jsonb_build_object('callback',
      public.apply_callback(v_conversation.id, v_customer_id, v_actions -> 'callback', v_caller_phone, v_default_assignee));
  end if;

  if jsonb_typeof(v_actions -> 'message') = 'object' then
    v_committed := v_committed || jsonb_build_object('message',
      public.apply_message(v_conversation, v_customer_id, v_actions -> 'message', v_caller_phone, v_default_assignee));
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

  return jsonb_build_object('replayed', false, 'reply', coalesce(p_reply, ''), 'actions', v_actions,
                            'committed', v_committed,
                            'language', public.set_call_language(v_conversation.id, v_meta));
end
$$;

-- The post-call analysis, stored on the call; the customer changes only on evidence. Found fields
-- fill the customer's empty ones only (what the caller confirmed during the call wins). The lead's
-- score and status move only when the call told something about the lead (the analysis says so in
-- `lead_evidence`; without it, when it found lead fields): a wrong button or a hang-up changes
-- nothing. Same input, same rows.
create or replace function public.store_call_analysis(p_conversation_id uuid, p_analysis jsonb)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_fields jsonb := coalesce(p_analysis -> 'fields', '{}');
  v_email text := lower(nullif(btrim(v_fields ->> 'email'), ''));
  v_evidence boolean;
begin
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    v_email := null;
  end if;
  v_evidence := case jsonb_typeof(p_analysis -> 'lead_evidence')
    when 'boolean' then (p_analysis ->> 'lead_evidence')::boolean
    else exists (select 1 from jsonb_each_text(v_fields) as f where nullif(btrim(f.value), '') is not null)
  end;
  update public.conversations as c set
    summary = nullif(btrim(p_analysis ->> 'summary'), ''),
    sentiment_score = round(greatest(-1, least(1, (p_analysis ->> 'sentiment')::numeric)), 2),
    lead_score = greatest(0, least(100, round((p_analysis ->> 'lead_score')::numeric)::int)),
    outcome = coalesce(c.outcome, p_analysis ->> 'outcome'),
    analysis = p_analysis,
    analysed_at = coalesce(c.analysed_at, now())
  where c.id = p_conversation_id
  returning * into v_conversation;
  if not found then
    raise exception 'unknown conversation' using errcode = 'P0002';
  end if;
  if v_conversation.customer_id is not null then
    update public.customers as cu set
      name = coalesce(cu.name, nullif(btrim(v_fields ->> 'name'), '')),
      company = coalesce(cu.company, nullif(btrim(v_fields ->> 'company'), '')),
      email = coalesce(cu.email, v_email),
      need = coalesce(cu.need, nullif(btrim(v_fields ->> 'need'), '')),
      timeline = coalesce(cu.timeline, nullif(btrim(v_fields ->> 'timeline'), '')),
      lead_score = case when v_evidence then coalesce(v_conversation.lead_score, cu.lead_score) else cu.lead_score end,
      lead_status = case
        when v_evidence and cu.lead_status in ('new', 'contacted') and v_conversation.lead_score >= 70 then 'qualified'
        when v_evidence and cu.lead_status = 'new' then 'contacted'
        else cu.lead_status
      end,
      sentiment_score = case when v_evidence then v_conversation.sentiment_score else cu.sentiment_score end
    where cu.id = v_conversation.customer_id;
  end if;
  return jsonb_build_object('conversation_id', v_conversation.id, 'customer_id', v_conversation.customer_id,
                            'outcome', v_conversation.outcome, 'lead_evidence', v_evidence);
end
$$;

revoke all on function public.next_business_opening(public.agent_configs, timestamptz) from public, anon;
grant execute on function public.next_business_opening(public.agent_configs, timestamptz) to authenticated, service_role;
revoke all on function public.task_assignee(text, text, text) from public, anon, authenticated;
revoke all on function public.task_summary(public.scheduled_tasks) from public, anon, authenticated;
revoke all on function public.apply_callback(uuid, uuid, jsonb, text, text) from public, anon, authenticated;
revoke all on function public.apply_message(public.conversations, uuid, jsonb, text, text) from public, anon, authenticated;
revoke all on function public.record_turn(text, int, jsonb, text, jsonb, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.record_turn(text, int, jsonb, text, jsonb, jsonb, jsonb) to service_role;
revoke all on function public.store_call_analysis(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.store_call_analysis(uuid, jsonb) to service_role;
