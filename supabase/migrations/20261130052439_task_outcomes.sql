-- Closing a callback or task with what came of it, and who closed it when.

alter table public.scheduled_tasks
  add column outcome text check (outcome in ('reached', 'left_voicemail', 'no_answer', 'wrong_number', 'not_interested', 'won')),
  add column completed_by text references public.team_members (user_id) on delete set null,
  add column completed_at timestamptz;

-- Mark an open task done with an outcome, recording the signed-in member; null if it was not open.
create or replace function public.complete_task(p_id uuid, p_outcome text)
  returns public.scheduled_tasks
  language plpgsql
  set search_path = ''
as $$
declare
  v_task public.scheduled_tasks;
begin
  if p_outcome is null or p_outcome not in ('reached', 'left_voicemail', 'no_answer', 'wrong_number', 'not_interested', 'won') then
    raise exception 'unknown task outcome' using errcode = '22023';
  end if;
  update public.scheduled_tasks
  set status = 'done', outcome = p_outcome, completed_at = now(),
      completed_by = (select user_id from public.team_members where user_id = auth.jwt() ->> 'sub')
  where id = p_id and status in ('pending', 'in_progress', 'failed')
  returning * into v_task;
  return v_task;
end
$$;

revoke all on function public.complete_task(uuid, text) from public, anon;
grant execute on function public.complete_task(uuid, text) to authenticated, service_role;
