-- AI disclosure and call recording with consent. The greeting discloses the AI (ai_disclosure)
-- and, by recording_mode: 'off' records nothing; 'announce' says the call is recorded and
-- records; 'ask' asks and records only on a yes (for all-party-consent states), going on
-- unrecorded on anything else. The answer and its time are stored on the call; recording
-- (Twilio call recording, dual channel) starts only through begin_recording(), which checks them.

alter table public.agent_configs
  add column ai_disclosure boolean not null default true,
  add column recording_mode text not null default 'off' check (recording_mode in ('off', 'announce', 'ask'));

alter table public.conversations
  add column recording_consent text check (recording_consent in ('announced', 'given', 'declined')),
  add column recording_consent_at timestamptz;

-- Recordings Twilio holds for our calls; deleted at Twilio by retention or an erasure.
create table public.call_recordings (
  id uuid primary key default gen_random_uuid(),
  conversation_id uuid references public.conversations on delete set null,
  call_sid text not null,
  recording_sid text unique check (recording_sid ~ '^RE[0-9a-fA-F]{32}$'),
  channels int not null default 2,
  status text not null default 'requested'
    check (status in ('requested', 'in-progress', 'completed', 'absent', 'failed', 'deleted')),
  duration_seconds int check (duration_seconds >= 0),
  started_at timestamptz not null default now(),
  deleted_at timestamptz,
  delete_reason text check (delete_reason in ('retention', 'erasure')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index call_recordings_one_per_call on public.call_recordings (call_sid);
create index call_recordings_conversation_id_idx on public.call_recordings (conversation_id);

create trigger call_recordings_set_updated_at
  before update on public.call_recordings
  for each row execute function public.set_updated_at();

alter table public.call_recordings enable row level security;
revoke all on public.call_recordings from anon, authenticated;
grant select on public.call_recordings to authenticated;
grant all on public.call_recordings to service_role;

create policy "Team members can read call recordings"
  on public.call_recordings for select to authenticated
  using ((select public.is_team_member()));

-- The consent answer, once per call (a retried webhook or a second answer changes nothing).
-- 'announced' is valid only in announce mode, 'given' only in ask mode. When the answer lets
-- the call be recorded, the start_recording job is enqueued in the same transaction.
create or replace function public.record_recording_consent(p_call_sid text, p_answer text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_mode text;
begin
  if p_answer is null or p_answer not in ('announced', 'given', 'declined') then
    raise exception 'invalid consent answer' using errcode = '22023', detail = format('%L', p_answer);
  end if;
  select * into v_conversation from public.conversations where call_sid = p_call_sid for update;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  v_mode := (public.call_config(v_conversation.agent_config_id)).recording_mode;
  if v_conversation.recording_consent is null then
    if v_mode = 'off' or (p_answer = 'announced' and v_mode <> 'announce') or (p_answer = 'given' and v_mode <> 'ask') then
      raise exception 'consent answer does not fit the recording mode'
        using errcode = '22023', detail = format('mode %s, answer %s', v_mode, p_answer);
    end if;
    update public.conversations set recording_consent = p_answer, recording_consent_at = now()
    where id = v_conversation.id
    returning * into v_conversation;
    if p_answer in ('announced', 'given') then
      perform public.enqueue_job('start_recording', jsonb_build_object('conversation_id', v_conversation.id),
                                 'start_recording:' || v_conversation.id, null, 3, 2);
    end if;
  end if;
  return jsonb_build_object('conversation_id', v_conversation.id, 'consent', v_conversation.recording_consent,
                            'at', v_conversation.recording_consent_at);
end
$$;

-- The start_recording job asks before it calls Twilio: {ok, call_sid} only when the call's
-- consent allows recording, the call is still going and has no recording yet.
create or replace function public.begin_recording(p_conversation_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
begin
  select * into v_conversation from public.conversations where id = p_conversation_id for update;
  if not found then
    return jsonb_build_object('ok', false, 'reason', 'unknown call');
  elsif v_conversation.recording_consent is distinct from 'given'
        and v_conversation.recording_consent is distinct from 'announced' then
    return jsonb_build_object('ok', false, 'reason', 'no consent');
  elsif v_conversation.ended_at is not null then
    return jsonb_build_object('ok', false, 'reason', 'call ended');
  elsif exists (select 1 from public.call_recordings where call_sid = v_conversation.call_sid) then
    return jsonb_build_object('ok', false, 'reason', 'already recording');
  end if;
  insert into public.call_recordings (conversation_id, call_sid) values (v_conversation.id, v_conversation.call_sid);
  return jsonb_build_object('ok', true, 'call_sid', v_conversation.call_sid);
end
$$;

-- Twilio answered the recording request (p_recording_sid) or refused it (null: the row goes).
create or replace function public.recording_started(p_call_sid text, p_recording_sid text)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if p_recording_sid is null then
    delete from public.call_recordings where call_sid = p_call_sid and recording_sid is null;
  else
    update public.call_recordings set recording_sid = p_recording_sid, status = 'in-progress'
    where call_sid = p_call_sid;
  end if;
end
$$;

-- Twilio's recording status callback.
create or replace function public.record_recording_status(p_recording_sid text, p_status text, p_duration int)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if p_status is null or p_status not in ('in-progress', 'completed', 'absent', 'failed') then
    raise exception 'invalid recording status' using errcode = '22023', detail = format('%L', p_status);
  end if;
  update public.call_recordings set status = p_status, duration_seconds = coalesce(p_duration, duration_seconds)
  where recording_sid = p_recording_sid and status <> 'deleted';
  return found;
end
$$;

revoke all on function public.record_recording_consent(text, text) from public, anon, authenticated;
revoke all on function public.begin_recording(uuid) from public, anon, authenticated;
revoke all on function public.recording_started(text, text) from public, anon, authenticated;
revoke all on function public.record_recording_status(text, text, int) from public, anon, authenticated;
grant execute on function public.record_recording_consent(text, text) to service_role;
grant execute on function public.begin_recording(uuid) to service_role;
grant execute on function public.recording_started(text, text) to service_role;
grant execute on function public.record_recording_status(text, text, int) to service_role;
