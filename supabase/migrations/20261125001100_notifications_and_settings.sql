-- What the team is told (new leads, escalations nobody answered, messages, the daily report,
-- alerts) and the settings of the work after the call. Every notification is kept here, so the
-- dashboard shows it; with Mailgun configured the worker also emails it.

-- One row: the team's settings for the work after the call. CRM URL and secret are secrets and
-- live in the functions' environment (CRM_WEBHOOK_URL, CRM_WEBHOOK_SECRET), not here.
create table public.automation_settings (
  id boolean primary key default true check (id),
  -- Transcripts (messages) and the agent's per-call memory older than this are deleted.
  retention_days int not null default 90 check (retention_days between 1 and 3650),
  -- Notification kinds that are also emailed (all are kept in the notifications table).
  email_kinds text[] not null default '{new_lead,unanswered_escalation,message_left,callback_failed,daily_report,alert}',
  -- Who gets the emails; empty means every active team member with an email.
  email_recipients text[] not null default '{}',
  -- The local hour (business time zone) at which yesterday's report is sent.
  daily_report_hour int not null default 7 check (daily_report_hour between 0 and 23),
  -- CRM webhook events to send.
  crm_events text[] not null default '{lead.captured,call.analysed}',
  -- Alerts: consecutive turns without the first configured provider, escalation share of the
  -- last hour (with at least alert_min_calls calls), AI cost of the last hour.
  alert_provider_failures int not null default 3 check (alert_provider_failures >= 1),
  alert_escalation_rate numeric not null default 0.5 check (alert_escalation_rate between 0 and 1),
  alert_min_calls int not null default 4 check (alert_min_calls >= 1),
  alert_hourly_cost_usd numeric not null default 10 check (alert_hourly_cost_usd >= 0),
  -- A callback nobody answered is tried again this much later (within business hours).
  callback_retry_minutes int not null default 60 check (callback_retry_minutes between 1 and 10080),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

insert into public.automation_settings (id) values (true);

create trigger automation_settings_set_updated_at
  before update on public.automation_settings
  for each row execute function public.set_updated_at();

create table public.notifications (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in (
    'call_summary', 'new_lead', 'unanswered_escalation', 'message_left', 'callback_failed', 'daily_report', 'alert'
  )),
  subject text not null,
  body text not null,
  -- Emails it went (or would go) to.
  recipients text[] not null default '{}',
  conversation_id uuid references public.conversations on delete cascade,
  customer_id uuid references public.customers on delete cascade,
  -- The job that made it: a retried job finds its notification instead of making a second.
  dedupe_key text not null unique,
  -- stored: kept here only (email not configured or not wanted for this kind).
  status text not null default 'pending' check (status in ('pending', 'sent', 'stored', 'failed')),
  provider_message_id text,
  error text,
  sent_at timestamptz,
  read_at timestamptz,
  read_by text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index notifications_created_at_idx on public.notifications (created_at desc);
create index notifications_conversation_id_idx on public.notifications (conversation_id);
create index notifications_customer_id_idx on public.notifications (customer_id);

create trigger notifications_set_updated_at
  before update on public.notifications
  for each row execute function public.set_updated_at();

-- The dashboard's live feed: ids only, read back under RLS.
create or replace function public.notify_notification_event()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  perform pg_notify('call_events', jsonb_build_object('kind', 'notification', 'notification_id', new.id,
    'conversation_id', new.conversation_id)::text);
  return null;
end
$$;

create trigger notifications_notify_event
  after insert on public.notifications
  for each row execute function public.notify_notification_event();

-- Creates the notification once per dedupe key and returns it as it is now (a retried job gets
-- the row it made, with its status).
create or replace function public.upsert_notification(
  p_dedupe_key text,
  p_kind text,
  p_subject text,
  p_body text,
  p_recipients text[],
  p_conversation_id uuid default null,
  p_customer_id uuid default null
)
  returns public.notifications
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_row public.notifications;
begin
  insert into public.notifications (dedupe_key, kind, subject, body, recipients, conversation_id, customer_id)
  values (p_dedupe_key, p_kind, p_subject, p_body, coalesce(p_recipients, '{}'), p_conversation_id, p_customer_id)
  on conflict (dedupe_key) do nothing;
  select * into v_row from public.notifications where dedupe_key = p_dedupe_key;
  return v_row;
end
$$;

-- The emails the team's notifications go to.
create or replace function public.notification_recipients()
  returns text[]
  language sql stable
  security definer
  set search_path = ''
as $$
  select coalesce(
    (select nullif(email_recipients, '{}') from public.automation_settings),
    (select coalesce(array_agg(lower(email) order by user_id), '{}') from public.team_members
     where active and email is not null)
  )
$$;

-- A team member marks a notification read (only that; they cannot rewrite it).
create or replace function public.mark_notification_read(p_id uuid)
  returns public.notifications
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_row public.notifications;
begin
  if current_setting('role', true) in ('authenticated', 'anon') and not public.is_team_member() then
    raise exception 'not a team member' using errcode = '42501';
  end if;
  update public.notifications
  set read_at = coalesce(read_at, now()), read_by = coalesce(read_by, auth.jwt() ->> 'sub')
  where id = p_id
  returning * into v_row;
  if not found then
    raise exception 'unknown notification' using errcode = 'P0002';
  end if;
  return v_row;
end
$$;

revoke all on function public.notify_notification_event() from public, anon, authenticated;
revoke all on function public.upsert_notification(text, text, text, text, text[], uuid, uuid) from public, anon, authenticated;
revoke all on function public.notification_recipients() from public, anon, authenticated;
revoke all on function public.mark_notification_read(uuid) from public, anon;
grant execute on function public.upsert_notification(text, text, text, text, text[], uuid, uuid) to service_role;
grant execute on function public.notification_recipients() to service_role;
grant execute on function public.mark_notification_read(uuid) to authenticated, service_role;

alter table public.automation_settings enable row level security;
alter table public.notifications enable row level security;

revoke all on public.automation_settings, public.notifications from anon, authenticated;
grant select, update on public.automation_settings to authenticated;
grant select on public.notifications to authenticated;
grant all on public.automation_settings, public.notifications to service_role;

create policy "Team members can read the automation settings"
  on public.automation_settings for select to authenticated
  using ((select public.is_team_member()));

create policy "Team admins can change the automation settings"
  on public.automation_settings for update to authenticated
  using ((select public.is_team_admin()))
  with check ((select public.is_team_admin()));

create policy "Team members can read notifications"
  on public.notifications for select to authenticated
  using ((select public.is_team_member()));
