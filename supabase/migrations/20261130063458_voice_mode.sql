-- How calls are spoken: per agent config, the voice mode the next call uses, and per turn what a
-- streaming mode adds (time to first token, the language, a reply the caller cut short).
--   gather   Twilio <Gather>/<Say>, turn by turn (the fallback)
--   relay    Twilio ConversationRelay: Twilio does speech to text and text to speech, replies
--            stream back over a WebSocket (the default)
--   realtime Twilio Media Streams bridged to a speech-to-speech model

alter table public.agent_configs
  add column voice_mode text not null default 'relay'
    check (voice_mode in ('gather', 'relay', 'realtime')),
  -- A streaming session (relay, realtime) ends itself at a quiet moment before this many seconds
  -- and the call resumes in a fresh one: Supabase Edge Functions end a request at 150 s (free
  -- plan) or 400 s (paid) of wall clock.
  add column session_limit_seconds int not null default 140
    check (session_limit_seconds between 5 and 3600),
  -- ConversationRelay attributes beside voice and language: ttsProvider, voice (the TTS
  -- provider's own voice name), transcriptionProvider, speechModel, interruptible.
  add column relay_settings jsonb not null default '{}'
    check (jsonb_typeof(relay_settings) = 'object');

alter table public.conversations
  add column voice_mode text check (voice_mode in ('gather', 'relay', 'realtime'));

alter table public.messages
  -- Agent rows: the reply was cut short by the caller; content is the part they heard.
  add column interrupted boolean not null default false,
  -- Agent rows of streaming turns: from the caller's words arriving to the first reply token sent.
  add column first_token_ms int check (first_token_ms >= 0),
  add column language text,
  -- Agent rows: the provider failed after the reply had started; it ends with an apology.
  add column provider_failed boolean not null default false;

-- record_turn as the agent-keeps-its-word migration left it, plus the streaming fields from p_meta (first_token_ms, language,
-- interrupted) and the call's voice mode (voice_mode).
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
    insert into public.messages (conversation_id, turn, role, kind, content, confidence, language)
    values (v_conversation.id, p_turn, 'caller', v_kind,
            case when v_kind <> 'silence' then coalesce(p_input ->> 'text', p_input ->> 'digits', '') else '' end,
            nullif(p_input ->> 'confidence', '')::real,
            nullif(v_meta ->> 'language', ''));
  end if;

  insert into public.messages
    (conversation_id, turn, role, content, latency_ms, provider, tokens_in, tokens_out, cost_usd, tools, actions,
     interrupted, first_token_ms, language, provider_failed)
  values (v_conversation.id, p_turn, 'agent', coalesce(p_reply, ''),
          round(nullif(v_meta ->> 'latency_ms', '')::numeric)::int,
          v_meta ->> 'provider',
          round(nullif(v_meta ->> 'tokens_in', '')::numeric)::int,
          round(nullif(v_meta ->> 'tokens_out', '')::numeric)::int,
          nullif(v_meta ->> 'cost_usd', '')::numeric,
          case when jsonb_typeof(v_meta -> 'tools') = 'array'
               then array(select jsonb_array_elements_text(v_meta -> 'tools')) end,
          v_actions,
          coalesce((v_meta ->> 'interrupted')::boolean, false),
          round(nullif(v_meta ->> 'first_token_ms', '')::numeric)::int,
          nullif(v_meta ->> 'language', ''),
          coalesce((v_meta ->> 'provider_failed')::boolean, false));

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
    outcome = case when v_transfer_phone is not null then 'escalated' else outcome end,
    voice_mode = coalesce(nullif(v_meta ->> 'voice_mode', ''), voice_mode)
  where id = v_conversation.id;

  return jsonb_build_object('replayed', false, 'reply', coalesce(p_reply, ''), 'actions', v_actions,
                            'committed', v_committed,
                            'language', public.set_call_language(v_conversation.id, v_meta));
end
$$;

-- The caller cut the agent's reply of turn p_turn short after it was stored: keep the part they
-- heard (Twilio's utteranceUntilInterrupt), marked. Only ever shortens the stored reply: the heard
-- part must be a prefix of it (after trimming), so a late or replayed interrupt changes nothing twice.
create or replace function public.record_interruption(p_call_sid text, p_turn int, p_heard text)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_heard text := btrim(coalesce(p_heard, ''));
begin
  update public.messages as m set content = v_heard, interrupted = true
  from public.conversations as c
  where c.call_sid = p_call_sid and m.conversation_id = c.id and m.turn = p_turn and m.role = 'agent'
    and not m.interrupted
    and length(v_heard) < length(m.content)
    and left(m.content, length(v_heard)) = v_heard;
  return found;
end
$$;

revoke all on function public.record_turn(text, int, jsonb, text, jsonb, jsonb, jsonb) from public, anon, authenticated;
grant execute on function public.record_turn(text, int, jsonb, text, jsonb, jsonb, jsonb) to service_role;
revoke all on function public.record_interruption(text, int, text) from public, anon, authenticated;
grant execute on function public.record_interruption(text, int, text) to service_role;
