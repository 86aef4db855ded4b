-- An append-only audit log of what people change through the dashboard (settings, statuses,
-- assignments, deletions, exports, sign-ins) and of erasures. Nobody may update or delete a row,
-- not even an admin or the service role: no grant allows it, no policy allows it, and a trigger
-- refuses it for the owner too. Entries name the actor, the action and the row's id, and which
-- fields changed (with values only for fields that hold no personal data).

create table public.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  -- The team member (Clerk user id), or 'system' for the call functions and the worker.
  actor text not null,
  action text not null check (action ~ '^[a-z_]+(\.[a-z_]+)*$'),
  target_table text,
  target_id text,
  detail jsonb not null default '{}' check (jsonb_typeof(detail) = 'object')
);

create index audit_log_at_idx on public.audit_log (at desc);

create or replace function public.refuse_audit_change()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  raise exception 'the audit log is append-only' using errcode = '42501';
end
$$;

create trigger audit_log_append_only
  before update or delete on public.audit_log
  for each row execute function public.refuse_audit_change();

create trigger audit_log_no_truncate
  before truncate on public.audit_log
  for each statement execute function public.refuse_audit_change();

alter table public.audit_log enable row level security;
revoke all on public.audit_log from public, anon, authenticated, service_role;
grant select on public.audit_log to authenticated, service_role;
grant insert on public.audit_log to service_role;

create policy "Team admins can read the audit log"
  on public.audit_log for select to authenticated
  using ((select public.is_team_admin()));

-- Who is acting: the signed-in team member under the dashboard's role, else 'system'.
create or replace function public.audit_actor()
  returns text
  language sql stable
  set search_path = ''
as $$
  select case when current_setting('role', true) = 'authenticated'
    then coalesce(auth.jwt() ->> 'sub', 'unknown') else 'system' end
$$;

create or replace function public.append_audit(p_action text, p_table text, p_id text, p_detail jsonb default '{}')
  returns bigint
  language sql
  security definer
  set search_path = ''
as $$
  insert into public.audit_log (actor, action, target_table, target_id, detail)
  values (public.audit_actor(), p_action, p_table, p_id, coalesce(p_detail, '{}'))
  returning id
$$;

-- What the dashboard's server records itself: sign-ins and exports (a team member only).
create or replace function public.audit_event(p_action text, p_table text default null, p_id text default null,
                                              p_detail jsonb default '{}')
  returns bigint
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if p_action is null or p_action not in ('session.sign_in', 'session.sign_out', 'customer.export', 'calls.export') then
    raise exception 'unknown audit action' using errcode = '22023', detail = format('%L', p_action);
  end if;
  if current_setting('role', true) = 'authenticated' and not public.is_team_member() then
    raise exception 'only team members are audited' using errcode = '42501';
  end if;
  return public.append_audit(p_action, p_table, p_id, p_detail);
end
$$;

-- Changes made under the dashboard's role, on the tables people edit. The detail lists the
-- changed columns; values are kept only for the columns named in TG_ARGV (statuses, roles,
-- assignments, settings: never names, emails, numbers or free text). The triggers fire only
-- under the dashboard's role, so the call functions' updates cost nothing here.
create or replace function public.audit_dashboard_change()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_old jsonb := case when tg_op <> 'INSERT' then to_jsonb(old) end;
  v_new jsonb := case when tg_op <> 'DELETE' then to_jsonb(new) end;
  v_changed text[];
  v_values jsonb := '{}';
  v_key text;
  v_id text := coalesce(v_new, v_old) ->> coalesce(tg_argv[0], 'id');
begin
  if current_setting('role', true) is distinct from 'authenticated' then
    return null;
  end if;
  select coalesce(array_agg(k order by k), '{}') into v_changed
  from jsonb_object_keys(coalesce(v_new, v_old)) as k
  where k not in ('updated_at', 'created_at')
    and (tg_op <> 'UPDATE' or v_old -> k is distinct from v_new -> k);
  if tg_op = 'UPDATE' and cardinality(v_changed) = 0 then
    return null;
  end if;
  foreach v_key in array tg_argv[1:] loop
    if v_key = any (v_changed) then
      v_values := v_values || jsonb_build_object(v_key, jsonb_build_object('from', v_old -> v_key, 'to', v_new -> v_key));
    end if;
  end loop;
  perform public.append_audit(tg_table_name || '.' || lower(tg_op), tg_table_name, v_id,
    jsonb_build_object('changed', to_jsonb(v_changed)) || case when v_values <> '{}' then jsonb_build_object('values', v_values) else '{}' end);
  return null;
end
$$;

create trigger agent_configs_audit after insert or update or delete on public.agent_configs
  for each row when (current_setting('role', true) = 'authenticated')
  execute function public.audit_dashboard_change('id', 'is_active', 'hours_override', 'recording_mode',
    'ai_disclosure', 'providers', 'language', 'timezone');
create trigger automation_settings_audit after update on public.automation_settings
  for each row when (current_setting('role', true) = 'authenticated')
  execute function public.audit_dashboard_change('id', 'retention_days', 'retention_mode', 'daily_report_hour',
    'callback_retry_minutes');
create trigger customers_audit after update or delete on public.customers
  for each row when (current_setting('role', true) = 'authenticated')
  execute function public.audit_dashboard_change('id', 'lead_status');
create trigger scheduled_tasks_audit after insert or update on public.scheduled_tasks
  for each row when (current_setting('role', true) = 'authenticated')
  execute function public.audit_dashboard_change('id', 'status', 'assigned_to', 'task_type');
create trigger team_members_audit after insert or update or delete on public.team_members
  for each row when (current_setting('role', true) = 'authenticated')
  execute function public.audit_dashboard_change('user_id', 'role', 'active');
create trigger knowledge_articles_audit after insert or update or delete on public.knowledge_articles
  for each row when (current_setting('role', true) = 'authenticated')
  execute function public.audit_dashboard_change('id');
create trigger do_not_call_audit after insert or update or delete on public.do_not_call
  for each row when (current_setting('role', true) = 'authenticated')
  execute function public.audit_dashboard_change('phone_key', 'source');

revoke all on function public.refuse_audit_change() from public, anon, authenticated;
revoke all on function public.audit_actor() from public, anon;
revoke all on function public.append_audit(text, text, text, jsonb) from public, anon, authenticated;
revoke all on function public.audit_event(text, text, text, jsonb) from public, anon;
revoke all on function public.audit_dashboard_change() from public, anon, authenticated;
grant execute on function public.audit_actor() to authenticated, service_role;
grant execute on function public.append_audit(text, text, text, jsonb) to service_role;
grant execute on function public.audit_event(text, text, text, jsonb) to authenticated, service_role;
