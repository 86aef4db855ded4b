-- Realtime voice mode (Twilio Media Streams bridged to the OpenAI Realtime API). When a call's
-- media stream closes, Twilio runs the verb after </Connect>, which asks what comes next: the
-- bridge records it here before it closes the stream (resume in a fresh session, fall back to
-- another voice mode, hand over to a transfer, or hang up). A fallback is kept on the call's record.

alter table public.conversations
  add column stream_handoff jsonb,
  add column voice_fallback text;

comment on column public.conversations.stream_handoff is
  'What the call does when its media stream closes: {next: resume|fallback|transfer|hangup, reason, at}.';
comment on column public.conversations.voice_fallback is
  'Why the call left realtime voice mode, and for which mode (null while it never did).';

create or replace function public.record_stream_handoff(p_call_sid text, p_next text, p_reason text default null)
  returns void
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if p_next is null or p_next not in ('resume', 'fallback', 'transfer', 'hangup') then
    raise exception 'invalid stream handoff' using errcode = '22023', detail = format('%L', p_next);
  end if;
  update public.conversations set
    stream_handoff = jsonb_build_object('next', p_next, 'reason', left(p_reason, 200), 'at', now()),
    voice_fallback = case when p_next = 'fallback' then coalesce(left(p_reason, 200), 'realtime failed')
                          else voice_fallback end
  where call_sid = p_call_sid;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
end
$$;

revoke all on function public.record_stream_handoff(text, text, text) from public, anon, authenticated;
grant execute on function public.record_stream_handoff(text, text, text) to service_role;
