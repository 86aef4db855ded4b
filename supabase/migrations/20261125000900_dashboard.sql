-- What the team dashboard needs beyond the tables: transcript search, "call now", and the list
-- of people the local (loopback-only) sign-in offers.

-- "Words in the transcript": full-text search over what was said, per call.
create index if not exists messages_content_search_idx
  on public.messages using gin (to_tsvector('english'::regconfig, content));

-- The local sign-in lists the active team before anyone is signed in, so it cannot run under
-- RLS. Only the dashboard server's own login may call it: no API role can, so it is not
-- reachable through the Data API. With Clerk keys configured the dashboard never calls it.
create or replace function public.dashboard_sign_in_choices()
  returns table (user_id text, name text, role text)
  language sql stable
  security definer
  set search_path = ''
as $$
  select m.user_id, m.name, m.role
  from public.team_members as m
  where m.active
  order by m.role = 'admin' desc, m.name
$$;

revoke all on function public.dashboard_sign_in_choices() from public, anon, authenticated, service_role;

-- "Call now": an outbound call goes the same way as a booked callback, a pending callback task
-- due now that the worker dials. Runs as the caller, under RLS. A second click while one is
-- still pending returns the pending task instead of queueing another call.
create or replace function public.request_call_now(p_customer_id uuid, p_notes text default null)
  returns public.scheduled_tasks
  language plpgsql
  security invoker
  set search_path = ''
as $$
declare
  v_customer public.customers;
  v_task public.scheduled_tasks;
begin
  if not public.is_team_member() then
    raise exception 'not a team member' using errcode = '42501';
  end if;
  select * into v_customer from public.customers where id = p_customer_id;
  if not found then
    raise exception 'unknown customer' using errcode = 'P0002';
  end if;
  perform pg_advisory_xact_lock(hashtextextended('call_now:' || p_customer_id::text, 0));
  select * into v_task from public.scheduled_tasks
  where customer_id = p_customer_id and task_type = 'callback' and status = 'pending'
    and scheduled_for <= now() + interval '5 minutes'
  order by scheduled_for
  limit 1;
  if found then
    return v_task;
  end if;
  insert into public.scheduled_tasks (customer_id, task_type, scheduled_for, phone_number, notes, assigned_to)
  values (
    p_customer_id, 'callback', now(), v_customer.phone_number,
    coalesce(nullif(trim(p_notes), ''), 'Call now, requested from the dashboard'),
    auth.jwt() ->> 'sub'
  )
  returning * into v_task;
  return v_task;
end
$$;

revoke all on function public.request_call_now(uuid, text) from public, anon;
grant execute on function public.request_call_now(uuid, text) to authenticated, service_role;
