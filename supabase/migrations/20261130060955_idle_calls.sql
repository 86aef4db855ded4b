-- Calls whose final status callback was lost never close, so they are never analysed or sent to
-- the CRM. Every five minutes, a call with nothing stored for p_idle gets a `close_idle_call`
-- job, which asks Twilio's Calls API how it ended where credentials exist (see the job).

create index if not exists conversations_open_idx on public.conversations (started_at) where ended_at is null;

create or replace function public.enqueue_idle_call_checks(p_idle interval default interval '30 minutes')
  returns int
  language sql
  security definer
  set search_path = ''
as $$
  with idle as (
    select c.id, c.call_sid
    from public.conversations as c
    where c.ended_at is null
      and c.started_at < now() - p_idle
      and not exists (select 1 from public.messages as m
                      where m.conversation_id = c.id and m.created_at >= now() - p_idle)
  )
  select count(public.enqueue_job('close_idle_call', jsonb_build_object('call_sid', call_sid),
                                  'close_idle_call:' || id, null, 5, 60))::int
  from idle
$$;

revoke all on function public.enqueue_idle_call_checks(interval) from public, anon, authenticated;

select cron.schedule('idle-calls', '*/5 * * * *', $$select public.enqueue_idle_call_checks()$$);
