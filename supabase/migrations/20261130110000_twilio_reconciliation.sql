-- Reconciliation after a database outage: Twilio still holds the calls that started (Calls API)
-- and the voicemails recorded (Recordings API) while the database could not take them. The
-- `reconcile_twilio` job lists both for the outage window and stores what is missing, once:
-- idempotent on the CallSid and on the RecordingSid.

alter table public.conversations add column if not exists reconciled_at timestamptz;

comment on column public.conversations.reconciled_at is
  'Set when the call was stored from Twilio''s Calls API after a database outage, not by its webhooks.';

-- A call as Twilio's Calls API lists it. A call the database never saw is opened (as start_call
-- does: its caller counted once), with Twilio's times, and closed when Twilio says it ended; a
-- call stored but left open (its final status callback lost in the outage) is closed. Anything
-- else is left as it is.
create or replace function public.reconcile_call(
  p_call_sid text,
  p_from text,
  p_to text,
  p_direction text,
  p_status text,
  p_started_at timestamptz,
  p_ended_at timestamptz,
  p_duration_seconds int
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_existing public.conversations;
  v_started jsonb;
  v_closed jsonb;
  v_ended boolean := p_status in ('completed', 'busy', 'failed', 'no-answer', 'canceled');
begin
  if coalesce(p_call_sid, '') !~ '^CA[0-9a-fA-F]{32}$' then
    raise exception 'invalid call sid' using errcode = '22023';
  end if;
  -- The same lock start_call takes: a webhook arriving now and the job do not both open it.
  perform pg_advisory_xact_lock(hashtextextended('start_call:' || p_call_sid, 0));
  select * into v_existing from public.conversations where call_sid = p_call_sid;
  if found then
    if v_existing.ended_at is null and v_ended then
      v_closed := public.finish_call(p_call_sid, p_status, p_duration_seconds);
      update public.conversations set ended_at = coalesce(p_ended_at, ended_at)
      where id = v_existing.id and (v_closed ->> 'closed')::boolean;
      return jsonb_build_object('created', false, 'closed', (v_closed ->> 'closed')::boolean,
                                'conversation_id', v_existing.id);
    end if;
    return jsonb_build_object('created', false, 'closed', false, 'conversation_id', v_existing.id);
  end if;

  v_started := public.start_call(p_call_sid, p_from, p_to, p_direction);
  update public.conversations set
    started_at = coalesce(p_started_at, started_at),
    status = case when p_status in ('ringing', 'in-progress') then p_status else status end,
    reconciled_at = now()
  where call_sid = p_call_sid;
  if v_ended then
    perform public.finish_call(p_call_sid, p_status, p_duration_seconds);
    update public.conversations set ended_at = coalesce(p_ended_at, ended_at) where call_sid = p_call_sid;
  end if;
  return jsonb_build_object('created', true, 'closed', v_ended, 'conversation_id', v_started ->> 'conversation_id');
end
$$;

-- A voicemail (a <Record> of the fallback) as Twilio's Recordings API lists it: stored as the
-- team's message task unless a task already names this recording (its webhook came through).
create or replace function public.reconcile_voicemail(
  p_recording_sid text,
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
  v_task_id uuid;
begin
  if coalesce(p_recording_sid, '') !~ '^RE[0-9a-fA-F]{32}$' then
    raise exception 'invalid recording sid' using errcode = '22023';
  end if;
  if strpos(coalesce(p_recording_url, ''), p_recording_sid) = 0 then
    raise exception 'the recording url does not name the recording' using errcode = '22023';
  end if;
  -- record_voicemail's own lock (same key): its webhook storing this recording now waits for us.
  perform pg_advisory_xact_lock(hashtextextended('voicemail:' || p_recording_url, 0));
  select id into v_task_id from public.scheduled_tasks
  where task_type = 'message' and strpos(notes, p_recording_sid) > 0;
  if found then
    return jsonb_build_object('created', false, 'task_id', v_task_id);
  end if;
  return public.record_voicemail(p_call_sid, coalesce(p_from, ''), p_recording_url, p_duration_seconds);
end
$$;

-- The window to reconcile, once per window start (a second notice of the same outage adds nothing).
create or replace function public.enqueue_reconciliation(p_since timestamptz, p_until timestamptz)
  returns bigint
  language sql
  security definer
  set search_path = ''
as $$
  select public.enqueue_job('reconcile_twilio',
    jsonb_build_object('since', p_since, 'until', p_until),
    'reconcile_twilio:' || to_char(p_since at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), null, 5, 60)
$$;

revoke all on function public.reconcile_call(text, text, text, text, text, timestamptz, timestamptz, int)
  from public, anon, authenticated;
revoke all on function public.reconcile_voicemail(text, text, text, text, int) from public, anon, authenticated;
revoke all on function public.enqueue_reconciliation(timestamptz, timestamptz) from public, anon, authenticated;
grant execute on function public.reconcile_call(text, text, text, text, text, timestamptz, timestamptz, int) to service_role;
grant execute on function public.reconcile_voicemail(text, text, text, text, int) to service_role;
grant execute on function public.enqueue_reconciliation(timestamptz, timestamptz) to service_role;
