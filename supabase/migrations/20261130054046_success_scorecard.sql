-- The success scorecard: the figures the team bought the agent for, each against a target the
-- admins set, computed in one SQL function for any period (so a trend is two calls of it).

-- The team's verdict on a call's escalation: a transfer that was needed or not, or a call the
-- agent should have transferred and did not (missed). Who marked it and when.
alter table public.conversations
  add column escalation_review text check (escalation_review in ('needed', 'not_needed', 'missed')),
  add column escalation_reviewed_by text references public.team_members (user_id) on delete set null,
  add column escalation_reviewed_at timestamptz,
  -- The caller's 1-5 rating of the call (from the satisfaction text message).
  add column satisfaction_score int check (satisfaction_score between 1 and 5);

create or replace function public.review_escalation(p_conversation_id uuid, p_verdict text)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_escalated boolean;
begin
  if not public.is_team_member() then
    raise exception 'only team members review calls' using errcode = '42501';
  end if;
  select escalated into v_escalated from public.conversations where id = p_conversation_id;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  if p_verdict is not null and (v_escalated and p_verdict = 'missed' or not v_escalated and p_verdict <> 'missed') then
    raise exception 'a transferred call is needed or not_needed; another call can only be missed' using errcode = '22023';
  end if;
  update public.conversations
  set escalation_review = p_verdict, escalation_reviewed_by = auth.jwt() ->> 'sub', escalation_reviewed_at = now()
  where id = p_conversation_id;
  return p_verdict;
end
$$;

revoke all on function public.review_escalation(uuid, text) from public, anon;
grant execute on function public.review_escalation(uuid, text) to authenticated;

create table public.scorecard_targets (
  metric text primary key,
  target numeric not null,
  -- 'min': the figure should be at least the target; 'max': at most.
  direction text not null check (direction in ('min', 'max')),
  updated_by text references public.team_members (user_id) on delete set null,
  updated_at timestamptz not null default now()
);

insert into public.scorecard_targets (metric, target, direction) values
  ('completion_rate', 85, 'min'),
  ('first_call_resolution', 70, 'min'),
  ('qualification_rate', 40, 'min'),
  ('after_hours_capture', 100, 'min'),
  ('escalations_right', 90, 'min'),
  ('escalations_false', 5, 'max'),
  ('escalations_missed', 2, 'max'),
  ('field_completeness', 95, 'min'),
  ('latency_p90_ms', 1000, 'max'),
  ('provider_success', 98, 'min'),
  ('cost_per_call_usd', 8, 'max'),
  ('budget_used', 100, 'max'),
  ('satisfaction', 4.2, 'min');

alter table public.scorecard_targets enable row level security;
revoke all on public.scorecard_targets from anon, authenticated;
grant select, update (target, updated_by, updated_at) on public.scorecard_targets to authenticated;
grant all on public.scorecard_targets to service_role;

create policy "Team members can read the scorecard targets"
  on public.scorecard_targets for select to authenticated
  using ((select public.is_team_member()));

create policy "Team admins can change the scorecard targets"
  on public.scorecard_targets for update to authenticated
  using ((select public.is_team_admin()))
  with check ((select public.is_team_admin()));

-- The scorecard's figures for calls started in [p_from, p_to). Rates are percentages (null when
-- nothing to count). After hours is judged by the weekly hours and holidays, not today's override.
create or replace function public.scorecard(p_from timestamptz, p_to timestamptz)
  returns jsonb
  language sql
  stable
  set search_path = ''
as $$
  with cfg as (
    select jsonb_populate_record(null::public.agent_configs, to_jsonb(a) - 'hours_override') as c,
           a.monthly_budget_usd
    from public.agent_configs a where a.is_active
  ),
  k as (
    select c.*, coalesce((select not public.is_within_business_hours(cfg.c, c.started_at) from cfg), false) as after_hours
    from public.conversations c
    where c.started_at >= p_from and c.started_at < p_to
  ),
  leads as (
    select distinct cu.* from k join public.customers cu on cu.id = k.customer_id
    where cu.name is not null or cu.lead_status <> 'new'
  ),
  turns as (
    select m.latency_ms, m.provider from public.messages m join k on k.id = m.conversation_id
    where m.role = 'agent' and m.latency_ms is not null
  )
  select jsonb_build_object(
    'calls', (select count(*) from k),
    'completion_rate', (select round(100.0 * count(*) filter (where status = 'completed' and coalesce(outcome, '') <> 'abandoned')
                          / nullif(count(*) filter (where ended_at is not null), 0), 1) from k),
    'first_call_resolution', (select round(100.0 * count(*) filter (where not exists (
                                 select 1 from public.conversations n
                                 where n.customer_id = k.customer_id and n.direction = 'inbound'
                                   and n.started_at > k.started_at and n.started_at < k.started_at + interval '7 days'))
                               / nullif(count(*), 0), 1) from k where k.direction = 'inbound' and k.ended_at is not null),
    'qualification_rate', (select round(100.0 * count(*) filter (where lead_status in ('qualified', 'customer')) / nullif(count(*), 0), 1) from leads),
    'after_hours_capture', (select round(100.0 * count(*) filter (where outcome in ('lead_captured', 'callback_booked', 'message_taken', 'escalated')
                               or exists (select 1 from public.customers cu where cu.id = k.customer_id and cu.name is not null))
                             / nullif(count(*), 0), 1) from k where after_hours and ended_at is not null),
    'escalations_right', (select round(100.0 * count(*) filter (where escalation_review = 'needed') / nullif(count(*), 0), 1)
                          from k where escalated and escalation_review is not null),
    'escalations_false', (select round(100.0 * count(*) filter (where escalation_review = 'not_needed') / nullif(count(*), 0), 1)
                          from k where escalated and escalation_review is not null),
    'escalations_missed', (select round(100.0 * count(*) filter (where escalation_review = 'missed') / nullif(count(*), 0), 1)
                           from k where not escalated and ended_at is not null),
    'escalations_reviewed', (select count(*) from k where escalation_review is not null),
    'field_completeness', (select round(100.0 * count(*) filter (where name is not null and company is not null and email is not null and need is not null)
                            / nullif(count(*), 0), 1) from leads),
    'latency_p50_ms', (select round(percentile_cont(0.5) within group (order by latency_ms)) from turns),
    'latency_p90_ms', (select round(percentile_cont(0.9) within group (order by latency_ms)) from turns),
    'latency_p99_ms', (select round(percentile_cont(0.99) within group (order by latency_ms)) from turns),
    'provider_success', (select round(100.0 * count(*) filter (where coalesce(provider, '') <> 'safe') / nullif(count(*), 0), 1) from turns),
    'cost_per_call_usd', (select round(sum(cost_usd) / nullif(count(*), 0), 4) from k),
    'cost_usd', (select coalesce(sum(cost_usd), 0) from k),
    'monthly_budget_usd', (select monthly_budget_usd from cfg),
    'satisfaction', (select round(avg(satisfaction_score), 2) from k),
    'ratings', (select count(satisfaction_score) from k)
  )
$$;

revoke all on function public.scorecard(timestamptz, timestamptz) from public, anon;
grant execute on function public.scorecard(timestamptz, timestamptz) to authenticated, service_role;
