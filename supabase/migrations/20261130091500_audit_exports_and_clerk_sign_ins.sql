-- The audit log gains what the dashboard still did unrecorded: the leads and analytics CSV
-- exports, and Clerk sign-ins. A Clerk session is verified on every request (there is no sign-in
-- request of ours to hook), so a sign-in is recorded the first time a session id is seen; the id
-- is Clerk's opaque `sid`, not personal data.

create or replace function public.audit_event(p_action text, p_table text default null, p_id text default null,
                                              p_detail jsonb default '{}')
  returns bigint
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if p_action is null or p_action not in ('session.sign_in', 'session.sign_out', 'customer.export', 'calls.export',
                                          'leads.export', 'analytics.export') then
    raise exception 'unknown audit action' using errcode = '22023', detail = format('%L', p_action);
  end if;
  if current_setting('role', true) = 'authenticated' and not public.is_team_member() then
    raise exception 'only team members are audited' using errcode = '42501';
  end if;
  return public.append_audit(p_action, p_table, p_id, p_detail);
end
$$;

-- Records a Clerk session's sign-in once, whoever asks again; true when this call recorded it.
create or replace function public.audit_session_sign_in(p_session text)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_actor text := public.audit_actor();
begin
  if p_session is null or p_session !~ '^[A-Za-z0-9_-]{1,100}$' then
    raise exception 'invalid session id' using errcode = '22023';
  end if;
  if current_setting('role', true) = 'authenticated' and not public.is_team_member() then
    raise exception 'only team members are audited' using errcode = '42501';
  end if;
  -- One sign-in per session even when two first requests race.
  perform pg_advisory_xact_lock(hashtext('audit_session_sign_in:' || p_session));
  if exists (select 1 from public.audit_log
             where action = 'session.sign_in' and actor = v_actor and detail ->> 'session' = p_session) then
    return false;
  end if;
  perform public.append_audit('session.sign_in', null, null, jsonb_build_object('via', 'clerk', 'session', p_session));
  return true;
end
$$;

revoke all on function public.audit_session_sign_in(text) from public, anon;
grant execute on function public.audit_session_sign_in(text) to authenticated, service_role;
