-- The team (Clerk users who answer escalations and work leads) and the people who call.

create or replace function public.set_updated_at()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

create or replace function public.is_e164(p_phone text)
  returns boolean
  language sql immutable
  set search_path = ''
as $$
  select p_phone ~ '^\+[1-9][0-9]{6,14}$'
$$;

create table public.team_members (
  user_id text primary key,
  name text not null,
  email text,
  phone text not null check (public.is_e164(phone)),
  role text not null default 'member' check (role in ('admin', 'member')),
  topics text[] not null default '{}',
  active boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger team_members_set_updated_at
  before update on public.team_members
  for each row execute function public.set_updated_at();

create table public.customers (
  id uuid primary key default gen_random_uuid(),
  phone_number text not null unique check (public.is_e164(phone_number)),
  name text,
  company text,
  email text check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  need text,
  timeline text,
  lead_status text not null default 'new'
    check (lead_status in ('new', 'contacted', 'qualified', 'customer', 'lost')),
  lead_score int check (lead_score between 0 and 100),
  sentiment_score numeric(3, 2) check (sentiment_score between -1 and 1),
  notes text,
  call_count int not null default 0 check (call_count >= 0),
  last_call_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create trigger customers_set_updated_at
  before update on public.customers
  for each row execute function public.set_updated_at();

-- Identity comes from the verified JWT's `sub` (a Clerk user id, not a uuid: never auth.uid()).
create or replace function public.is_team_member()
  returns boolean
  language sql stable
  security definer
  set search_path = ''
as $$
  select exists (
    select 1 from public.team_members
    where user_id = auth.jwt() ->> 'sub' and active
  )
$$;

create or replace function public.is_team_admin()
  returns boolean
  language sql stable
  security definer
  set search_path = ''
as $$
  select exists (
    select 1 from public.team_members
    where user_id = auth.jwt() ->> 'sub' and active and role = 'admin'
  )
$$;

revoke all on function public.set_updated_at() from public, anon, authenticated;
revoke all on function public.is_e164(text) from public, anon;
revoke all on function public.is_team_member() from public, anon;
revoke all on function public.is_team_admin() from public, anon;
grant execute on function public.is_e164(text) to authenticated, service_role;
grant execute on function public.is_team_member() to authenticated, service_role;
grant execute on function public.is_team_admin() to authenticated, service_role;

alter table public.team_members enable row level security;
alter table public.customers enable row level security;

-- Grants say which statements a role may try (never TRUNCATE, which RLS does not cover);
-- the policies say on which rows.
revoke all on public.team_members, public.customers from anon, authenticated;
grant select, insert, update, delete on public.team_members, public.customers to authenticated;
grant all on public.team_members, public.customers to service_role;

create policy "Team members can read the team"
  on public.team_members for select to authenticated
  using ((select public.is_team_member()));

create policy "Team admins can add team members"
  on public.team_members for insert to authenticated
  with check ((select public.is_team_admin()));

create policy "Team admins can update team members"
  on public.team_members for update to authenticated
  using ((select public.is_team_admin()))
  with check ((select public.is_team_admin()));

create policy "Team admins can remove team members"
  on public.team_members for delete to authenticated
  using ((select public.is_team_admin()));

create policy "Team members can read customers"
  on public.customers for select to authenticated
  using ((select public.is_team_member()));

create policy "Team members can add customers"
  on public.customers for insert to authenticated
  with check ((select public.is_team_member()));

create policy "Team members can update customers"
  on public.customers for update to authenticated
  using ((select public.is_team_member()))
  with check ((select public.is_team_member()));

-- Callers may ask for their data to be deleted (the business promises it within 30 days).
create policy "Team admins can delete customers"
  on public.customers for delete to authenticated
  using ((select public.is_team_admin()));
