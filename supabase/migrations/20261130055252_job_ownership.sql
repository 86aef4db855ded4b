-- Jobs belong to the worker that claimed them. A worker whose job timed out, was reaped and was
-- claimed by another cannot complete or fail it any more (its late answer changes nothing).
-- Retries spread out with jitter, so jobs that failed together (a provider outage) do not all
-- come back in the same second. A job that dies tells the admins.

drop function if exists public.complete_job(bigint, jsonb);
drop function if exists public.fail_job(bigint, text, boolean);

-- Marks a running job done. False when this worker no longer holds it.
create or replace function public.complete_job(p_id bigint, p_worker text, p_result jsonb default null)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  update public.jobs
  set state = 'done', result = p_result, finished_at = now(), locked_at = null, locked_by = null
  where id = p_id and state = 'running' and locked_by = p_worker;
  return found;
end
$$;

-- The attempt's end for a job that is dead or back in the queue: after backoff_seconds *
-- 2^(attempts - 1), times a random factor in [0.5, 1.5), at most 6 hours. A job that dies tells
-- the admins (a notification failing is no news of its own: it shows on the dashboard).
create or replace function public.private_fail_job(p_id bigint, p_error text, p_retryable boolean)
  returns text
  language plpgsql
  set search_path = ''
as $$
declare
  v_job public.jobs;
begin
  update public.jobs as j
  set state = case when p_retryable and j.attempts < j.max_attempts then 'queued' else 'dead' end,
      run_at = case when p_retryable and j.attempts < j.max_attempts
                    then now() + least(j.backoff_seconds * power(2, greatest(j.attempts - 1, 0)) * (0.5 + random()),
                                       21600) * interval '1 second'
                    else j.run_at end,
      finished_at = case when p_retryable and j.attempts < j.max_attempts then null else now() end,
      last_error = left(coalesce(p_error, 'unknown error'), 1000),
      locked_at = null,
      locked_by = null
  where j.id = p_id and j.state = 'running'
  returning j.* into v_job;
  if v_job.state = 'dead' and v_job.kind <> 'notify' then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'alert', 'alert', 'dead_job',
      'job_id', v_job.id, 'job_kind', v_job.kind, 'attempts', v_job.attempts), 'notify:alert:dead_job:' || v_job.id);
  end if;
  return v_job.state;
end
$$;

-- A failed attempt by the worker that holds the job. Returns the job's new state, or null when
-- this worker no longer holds it.
create or replace function public.fail_job(p_id bigint, p_worker text, p_error text, p_retryable boolean default true)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if not exists (select 1 from public.jobs where id = p_id and state = 'running' and locked_by = p_worker) then
    return null;
  end if;
  return public.private_fail_job(p_id, p_error, p_retryable);
end
$$;

create or replace function public.reap_stuck_jobs(p_older_than interval default interval '10 minutes')
  returns int
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_job record;
  v_count int := 0;
begin
  for v_job in
    select id from public.jobs
    where state = 'running' and locked_at < now() - p_older_than
    for update skip locked
  loop
    perform public.private_fail_job(v_job.id, 'worker stopped during the job (lock expired)', true);
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;

revoke all on function public.private_fail_job(bigint, text, boolean) from public, anon, authenticated, service_role;
revoke all on function public.complete_job(bigint, text, jsonb) from public, anon, authenticated;
revoke all on function public.fail_job(bigint, text, text, boolean) from public, anon, authenticated;
grant execute on function public.complete_job(bigint, text, jsonb) to service_role;
grant execute on function public.fail_job(bigint, text, text, boolean) to service_role;
