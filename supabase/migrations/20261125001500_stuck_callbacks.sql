-- A placed callback whose call never reports back (a lost status callback, a Twilio incident)
-- would stay in progress for ever. After an hour it counts as an attempt nobody answered: it goes
-- back to pending for a retry, or fails (and the team is told) once its attempts are used up.
create or replace function public.release_stuck_callbacks(p_after interval default interval '1 hour')
  returns int
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_task_id uuid;
  v_released int := 0;
begin
  for v_task_id in
    select id from public.scheduled_tasks
    where task_type = 'callback' and status = 'in_progress' and updated_at < now() - p_after
  loop
    if public.release_callback_attempt(v_task_id) is not null then
      v_released := v_released + 1;
    end if;
  end loop;
  return v_released;
end
$$;

revoke all on function public.release_stuck_callbacks(interval) from public, anon, authenticated;
grant execute on function public.release_stuck_callbacks(interval) to service_role;

select cron.schedule('callbacks-release-stuck', '*/10 * * * *', $$select public.release_stuck_callbacks()$$);
