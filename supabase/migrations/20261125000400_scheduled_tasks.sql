-- Callbacks, follow-ups and messages the agent leaves for the team.

create table public.scheduled_tasks (
  id uuid primary key default gen_random_uuid(),
  customer_id uuid references public.customers on delete cascade,
  conversation_id uuid references public.conversations on delete set null,
  task_type text not null check (task_type in ('callback', 'follow_up', 'message')),
  scheduled_for timestamptz not null,
  phone_number text check (public.is_e164(phone_number)),
  notes text,
  status text not null default 'pending'
    check (status in ('pending', 'in_progress', 'done', 'cancelled', 'failed')),
  attempts int not null default 0 check (attempts >= 0),
  max_attempts int not null default 3 check (max_attempts >= 1),
  assigned_to text references public.team_members (user_id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- A caller who changes their mind about the time moves their callback; they do not get two.
create unique index scheduled_tasks_one_pending_callback_per_call
  on public.scheduled_tasks (conversation_id)
  where task_type = 'callback' and status = 'pending';

create index scheduled_tasks_due_idx on public.scheduled_tasks (scheduled_for) where status = 'pending';
create index scheduled_tasks_customer_id_idx on public.scheduled_tasks (customer_id);

create trigger scheduled_tasks_set_updated_at
  before update on public.scheduled_tasks
  for each row execute function public.set_updated_at();

alter table public.scheduled_tasks enable row level security;

revoke all on public.scheduled_tasks from anon, authenticated;
grant select, insert, update on public.scheduled_tasks to authenticated;
grant all on public.scheduled_tasks to service_role;

create policy "Team members can read scheduled tasks"
  on public.scheduled_tasks for select to authenticated
  using ((select public.is_team_member()));

create policy "Team members can schedule tasks"
  on public.scheduled_tasks for insert to authenticated
  with check ((select public.is_team_member()));

create policy "Team members can update scheduled tasks"
  on public.scheduled_tasks for update to authenticated
  using ((select public.is_team_member()))
  with check ((select public.is_team_member()));
