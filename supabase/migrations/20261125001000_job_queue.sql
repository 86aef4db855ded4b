-- A durable job queue: work that happens after the call (analysis, notifications, CRM sync,
-- callbacks), enqueued by triggers in the same transaction as the change that causes it, so a
-- worker that is down loses nothing. Retries with exponential backoff; a job that fails
-- max_attempts times, or fails in a way retrying cannot help, is dead and keeps its last error.
--
-- graphile-worker runs under Deno, but it installs its schema from its own JS at run time, so
-- triggers could only call graphile_worker.add_job after vendoring its private SQL here; and it
-- deletes finished jobs (no counts, no latency) and holds a dead worker's lock for 4 hours.
--
-- Payloads carry ids only: transcripts, phone numbers and emails are read by the handler.

create table public.jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z0-9_]{1,40}$'),
  payload jsonb not null default '{}' check (jsonb_typeof(payload) = 'object'),
  -- Enqueueing twice with one key gives one job, whatever state it is in.
  dedupe_key text unique,
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'dead')),
  attempts int not null default 0 check (attempts >= 0),
  max_attempts int not null default 5 check (max_attempts between 1 and 50),
  backoff_seconds int not null default 10 check (backoff_seconds between 0 and 3600),
  run_at timestamptz not null default now(),
  locked_at timestamptz,
  locked_by text,
  last_error text,
  result jsonb,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index jobs_claimable_idx on public.jobs (run_at, id) where state = 'queued';
create index jobs_running_idx on public.jobs (locked_at) where state = 'running';
create index jobs_kind_state_idx on public.jobs (kind, state);

create trigger jobs_set_updated_at
  before update on public.jobs
  for each row execute function public.set_updated_at();

-- Wakes the local worker loop (LISTEN jobs). Delivered at commit, so never for a rolled-back job.
create or replace function public.notify_job_queued()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  perform pg_notify('jobs', jsonb_build_object('id', new.id, 'kind', new.kind)::text);
  return null;
end
$$;

create trigger jobs_notify_queued
  after insert or update of state, run_at on public.jobs
  for each row when (new.state = 'queued' and new.run_at <= now())
  execute function public.notify_job_queued();

-- Enqueues a job; with a dedupe key already used, returns that job's id and changes nothing.
create or replace function public.enqueue_job(
  p_kind text,
  p_payload jsonb default '{}',
  p_dedupe_key text default null,
  p_run_at timestamptz default null,
  p_max_attempts int default 5,
  p_backoff_seconds int default 10
)
  returns bigint
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_id bigint;
begin
  insert into public.jobs (kind, payload, dedupe_key, run_at, max_attempts, backoff_seconds)
  values (p_kind, coalesce(p_payload, '{}'), p_dedupe_key, coalesce(p_run_at, now()),
          coalesce(p_max_attempts, 5), coalesce(p_backoff_seconds, 10))
  on conflict (dedupe_key) do nothing
  returning id into v_id;
  if v_id is null then
    select id into v_id from public.jobs where dedupe_key = p_dedupe_key;
  end if;
  return v_id;
end
$$;

-- Takes up to p_limit due jobs for one worker. SKIP LOCKED: concurrent workers never share a job.
create or replace function public.claim_jobs(p_worker text, p_limit int default 5, p_kinds text[] default null)
  returns setof public.jobs
  language sql
  security definer
  set search_path = ''
as $$
  with picked as (
    select id from public.jobs
    where state = 'queued' and run_at <= now() and (p_kinds is null or kind = any (p_kinds))
    order by run_at, id
    limit greatest(p_limit, 0)
    for update skip locked
  )
  update public.jobs as j
  set state = 'running', attempts = j.attempts + 1, locked_at = now(), locked_by = p_worker
  from picked
  where j.id = picked.id
  returning j.*
$$;

-- Marks a running job done. False when the job is not running (reaped and taken by another).
create or replace function public.complete_job(p_id bigint, p_result jsonb default null)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  update public.jobs
  set state = 'done', result = p_result, finished_at = now(), locked_at = null, locked_by = null
  where id = p_id and state = 'running';
  return found;
end
$$;

-- A failed attempt: back to the queue after backoff_seconds * 2^(attempts - 1) (at most 6 hours),
-- or dead when attempts are used up or p_retryable is false. Returns the job's new state.
create or replace function public.fail_job(p_id bigint, p_error text, p_retryable boolean default true)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_state text;
begin
  update public.jobs as j
  set state = case when p_retryable and j.attempts < j.max_attempts then 'queued' else 'dead' end,
      run_at = case when p_retryable and j.attempts < j.max_attempts
                    then now() + least(j.backoff_seconds * power(2, greatest(j.attempts - 1, 0)), 21600)
                               * interval '1 second'
                    else j.run_at end,
      finished_at = case when p_retryable and j.attempts < j.max_attempts then null else now() end,
      last_error = left(coalesce(p_error, 'unknown error'), 1000),
      locked_at = null,
      locked_by = null
  where j.id = p_id and j.state = 'running'
  returning j.state into v_state;
  return v_state;
end
$$;

-- Not yet: the job runs again at p_run_at and the attempt does not count (a lead whose call is
-- still going waits for its end).
create or replace function public.snooze_job(p_id bigint, p_run_at timestamptz)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  update public.jobs
  set state = 'queued', attempts = greatest(attempts - 1, 0), run_at = p_run_at, locked_at = null, locked_by = null
  where id = p_id and state = 'running';
  return found;
end
$$;

-- Jobs whose worker died mid-job (an Edge Function past its wall clock, a killed process) count
-- as a failed attempt, so a job that kills its worker every time still ends dead.
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
    perform public.fail_job(v_job.id, 'worker stopped during the job (lock expired)', true);
    v_count := v_count + 1;
  end loop;
  return v_count;
end
$$;

-- A dead job, queued again with fresh attempts (its last error stays until the next one).
-- Team admins may do this from the dashboard; the service role always may.
create or replace function public.retry_job(p_id bigint)
  returns public.jobs
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_job public.jobs;
begin
  if current_setting('role', true) in ('authenticated', 'anon') and not public.is_team_admin() then
    raise exception 'only team admins can retry jobs' using errcode = '42501';
  end if;
  update public.jobs
  set state = 'queued', attempts = 0, run_at = now(), finished_at = null
  where id = p_id and state = 'dead'
  returning * into v_job;
  if not found then
    raise exception 'no dead job with this id' using errcode = 'P0002';
  end if;
  return v_job;
end
$$;

-- Counts per kind and state, and how long the oldest due job has waited.
create view public.job_counts with (security_invoker = true) as
select
  kind,
  count(*) filter (where state = 'queued')::int as queued,
  count(*) filter (where state = 'running')::int as running,
  count(*) filter (where state = 'done')::int as done,
  count(*) filter (where state = 'dead')::int as dead,
  min(run_at) filter (where state = 'queued' and run_at <= now()) as oldest_due_at
from public.jobs
group by kind;

revoke all on function public.notify_job_queued() from public, anon, authenticated;
revoke all on function public.enqueue_job(text, jsonb, text, timestamptz, int, int) from public, anon, authenticated;
revoke all on function public.claim_jobs(text, int, text[]) from public, anon, authenticated;
revoke all on function public.complete_job(bigint, jsonb) from public, anon, authenticated;
revoke all on function public.fail_job(bigint, text, boolean) from public, anon, authenticated;
revoke all on function public.snooze_job(bigint, timestamptz) from public, anon, authenticated;
revoke all on function public.reap_stuck_jobs(interval) from public, anon, authenticated;
revoke all on function public.retry_job(bigint) from public, anon;
grant execute on function public.enqueue_job(text, jsonb, text, timestamptz, int, int) to service_role;
grant execute on function public.claim_jobs(text, int, text[]) to service_role;
grant execute on function public.complete_job(bigint, jsonb) to service_role;
grant execute on function public.fail_job(bigint, text, boolean) to service_role;
grant execute on function public.snooze_job(bigint, timestamptz) to service_role;
grant execute on function public.reap_stuck_jobs(interval) to service_role;
grant execute on function public.retry_job(bigint) to authenticated, service_role;

alter table public.jobs enable row level security;

revoke all on public.jobs, public.job_counts from anon, authenticated;
grant select on public.jobs, public.job_counts to authenticated;
grant all on public.jobs to service_role;
grant select on public.job_counts to service_role;

create policy "Team members can read jobs"
  on public.jobs for select to authenticated
  using ((select public.is_team_member()));

select cron.schedule('jobs-reap-stuck', '* * * * *', $$select public.reap_stuck_jobs()$$);
