-- One row per phone call (keyed by Twilio's CallSid) and its transcript, turn by turn.

create table public.conversations (
  id uuid primary key default gen_random_uuid(),
  call_sid text not null unique,
  customer_id uuid references public.customers on delete cascade,
  agent_config_id uuid references public.agent_configs on delete set null,
  direction text not null default 'inbound' check (direction in ('inbound', 'outbound')),
  from_number text not null,
  to_number text not null,
  status text not null default 'in-progress'
    check (status in ('ringing', 'in-progress', 'completed', 'busy', 'failed', 'no-answer', 'canceled')),
  started_at timestamptz not null default now(),
  ended_at timestamptz,
  duration_seconds int check (duration_seconds >= 0),
  escalated boolean not null default false,
  transferred_to text,
  transfer_status text,
  transfer_duration_seconds int check (transfer_duration_seconds >= 0),
  silence_count int not null default 0,
  last_turn int not null default 0,
  state jsonb not null default '{}',
  summary text,
  sentiment_score numeric(3, 2) check (sentiment_score between -1 and 1),
  lead_score int check (lead_score between 0 and 100),
  outcome text
    check (outcome in ('answered', 'lead_captured', 'callback_booked', 'escalated', 'message_taken', 'abandoned')),
  cost_usd numeric(10, 5) not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index conversations_customer_id_idx on public.conversations (customer_id);
create index conversations_started_at_idx on public.conversations (started_at desc);

create trigger conversations_set_updated_at
  before update on public.conversations
  for each row execute function public.set_updated_at();

create table public.messages (
  id bigint generated always as identity primary key,
  conversation_id uuid not null references public.conversations on delete cascade,
  turn int not null check (turn >= 0),
  role text not null check (role in ('caller', 'agent')),
  kind text not null default 'speech' check (kind in ('speech', 'digits', 'silence', 'text')),
  content text not null default '',
  confidence real,
  latency_ms int,
  provider text,
  tokens_in int,
  tokens_out int,
  cost_usd numeric(10, 6),
  tools text[],
  -- The actions the agent's turn committed (agent rows only), replayed to a retried webhook.
  actions jsonb,
  created_at timestamptz not null default now(),
  unique (conversation_id, turn, role)
);

-- The dashboard LISTENs on 'call_events'. Payloads carry ids only: transcripts and phone
-- numbers are read back under RLS, never broadcast.
create or replace function public.notify_call_event()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_event jsonb;
begin
  if tg_table_name = 'messages' then
    v_event := jsonb_build_object('kind', 'message', 'conversation_id', new.conversation_id, 'message_id', new.id);
  elsif tg_op = 'INSERT' then
    v_event := jsonb_build_object('kind', 'call_started', 'conversation_id', new.id);
  elsif old.ended_at is null and new.ended_at is not null then
    v_event := jsonb_build_object('kind', 'call_ended', 'conversation_id', new.id);
  else
    v_event := jsonb_build_object('kind', 'call_updated', 'conversation_id', new.id);
  end if;
  perform pg_notify('call_events', v_event::text);
  return null;
end
$$;

create trigger conversations_notify_call_event
  after insert or update on public.conversations
  for each row execute function public.notify_call_event();

create trigger messages_notify_call_event
  after insert on public.messages
  for each row execute function public.notify_call_event();

revoke all on function public.notify_call_event() from public, anon, authenticated;

alter table public.conversations enable row level security;
alter table public.messages enable row level security;

-- Calls are written only by the call functions (service role); the team reads them.
revoke all on public.conversations, public.messages from anon, authenticated;
grant select on public.conversations, public.messages to authenticated;
grant all on public.conversations, public.messages to service_role;

create policy "Team members can read calls"
  on public.conversations for select to authenticated
  using ((select public.is_team_member()));

create policy "Team members can read transcripts"
  on public.messages for select to authenticated
  using ((select public.is_team_member()));
