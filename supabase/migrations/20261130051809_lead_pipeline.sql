-- The lead pipeline: each lead's owner and deal value, and the history of its status with who
-- changed it and when (the agent's changes carry no team member: changed_by is null).

alter table public.customers
  add column owner_id text references public.team_members (user_id) on delete set null,
  add column deal_value_usd numeric(12, 2) check (deal_value_usd >= 0);

create index customers_pipeline_idx on public.customers (lead_status, lead_score desc nulls last);

create table public.lead_status_changes (
  id bigint generated always as identity primary key,
  customer_id uuid not null references public.customers on delete cascade,
  from_status text,
  to_status text not null,
  -- The team member whose request changed it; null when the agent or the system did.
  changed_by text references public.team_members (user_id) on delete set null,
  changed_at timestamptz not null default now()
);

create index lead_status_changes_customer_idx on public.lead_status_changes (customer_id, changed_at desc);

alter table public.lead_status_changes enable row level security;
revoke all on public.lead_status_changes from anon, authenticated;
grant select on public.lead_status_changes to authenticated;
grant all on public.lead_status_changes to service_role;

create policy "Team members can read lead status history"
  on public.lead_status_changes for select to authenticated
  using ((select public.is_team_member()));

-- Every status change is recorded here, whichever path made it (the dashboard, the agent's
-- tools, a bulk move): the trigger is the one place that writes the history.
create or replace function public.record_lead_status_change()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_sub text := nullif(auth.jwt() ->> 'sub', '');
begin
  insert into public.lead_status_changes (customer_id, from_status, to_status, changed_by)
  values (new.id, case when tg_op = 'UPDATE' then old.lead_status end, new.lead_status,
          (select user_id from public.team_members where user_id = v_sub));
  return null;
end
$$;

revoke all on function public.record_lead_status_change() from public, anon, authenticated;

create trigger customers_record_lead_status_change
  after update of lead_status on public.customers
  for each row when (old.lead_status is distinct from new.lead_status)
  execute function public.record_lead_status_change();

-- Moves and assignments of several leads at once, as one statement each (RLS applies: the
-- caller must be a team member; an owner must be an active member).
create or replace function public.move_leads(p_ids uuid[], p_status text)
  returns int
  language plpgsql
  set search_path = ''
as $$
declare
  v_count int;
begin
  if p_status not in ('new', 'contacted', 'qualified', 'customer', 'lost') then
    raise exception 'unknown lead status' using errcode = '22023';
  end if;
  update public.customers set lead_status = p_status
  where id = any(p_ids) and lead_status <> p_status;
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

create or replace function public.assign_leads(p_ids uuid[], p_owner text)
  returns int
  language plpgsql
  set search_path = ''
as $$
declare
  v_count int;
begin
  if p_owner is not null and not exists (select 1 from public.team_members where user_id = p_owner and active) then
    raise exception 'owner must be an active team member' using errcode = '22023';
  end if;
  update public.customers set owner_id = p_owner where id = any(p_ids);
  get diagnostics v_count = row_count;
  return v_count;
end
$$;

revoke all on function public.move_leads(uuid[], text) from public, anon;
revoke all on function public.assign_leads(uuid[], text) from public, anon;
grant execute on function public.move_leads(uuid[], text) to authenticated, service_role;
grant execute on function public.assign_leads(uuid[], text) to authenticated, service_role;
