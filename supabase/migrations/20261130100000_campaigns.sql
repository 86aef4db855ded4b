-- Outbound campaigns: a list of leads the worker dials through Twilio's Calls API, at the pace and
-- concurrency the admin sets, only within each callee's calling hours, never a number on the
-- do-not-call list, retrying no-answer and busy with spacing. Every rule is decided here, in one
-- transaction per step, so nothing is ever dialled twice (claim_campaign_lead locks the campaign).

create table public.campaigns (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 120),
  goal text not null default 'follow_up' check (goal in ('follow_up', 'qualify', 'meeting_reminder')),
  -- What the agent says when a person answers; {name} is the lead's first name, {business} ours.
  opening text not null check (length(btrim(opening)) between 1 and 600),
  -- For the AI model: what this campaign's calls are for and how to run them.
  instructions text not null default '' check (length(instructions) <= 4000),
  -- On an answering machine: leave the message in the lead's language after the beep, or hang up.
  voicemail_action text not null default 'leave' check (voicemail_action in ('leave', 'hang_up')),
  voicemail_messages jsonb not null default '{}' check (jsonb_typeof(voicemail_messages) = 'object'),
  status text not null default 'draft' check (status in ('draft', 'running', 'paused', 'finished')),
  max_concurrent int not null default 2 check (max_concurrent between 1 and 20),
  calls_per_minute int not null default 10 check (calls_per_minute between 1 and 60),
  max_attempts int not null default 3 check (max_attempts between 1 and 10),
  retry_minutes int not null default 60 check (retry_minutes between 1 and 10080),
  last_dialed_at timestamptz,
  created_by text references public.team_members (user_id) on delete set null,
  started_at timestamptz,
  finished_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (voicemail_action = 'hang_up' or coalesce(btrim(voicemail_messages ->> 'en'), '') <> '')
);

create trigger campaigns_set_updated_at
  before update on public.campaigns
  for each row execute function public.set_updated_at();

create table public.campaign_leads (
  id uuid primary key default gen_random_uuid(),
  campaign_id uuid not null references public.campaigns on delete cascade,
  customer_id uuid references public.customers on delete set null,
  phone_number text not null check (public.is_e164(phone_number)),
  name text,
  language text not null default 'en' check (language in ('en', 'es')),
  status text not null default 'queued' check (status in (
    'queued', 'calling', 'reached', 'voicemail', 'machine', 'no_answer', 'busy', 'failed', 'skipped_dnc', 'cancelled'
  )),
  -- Why a queued lead waits: a retry's spacing or the callee's calling hours.
  waiting_reason text check (waiting_reason in ('retry_no_answer', 'retry_busy', 'retry_failed', 'outside_calling_hours')),
  attempts int not null default 0 check (attempts >= 0),
  next_attempt_at timestamptz not null default now(),
  last_attempt_at timestamptz,
  last_call_sid text,
  last_result text,
  answered_by text,
  outcome text,
  conversation_id uuid references public.conversations on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (campaign_id, phone_number)
);

create index campaign_leads_due_idx on public.campaign_leads (campaign_id, next_attempt_at) where status = 'queued';
create index campaign_leads_calling_idx on public.campaign_leads (campaign_id) where status = 'calling';
create index campaign_leads_last_call_sid_idx on public.campaign_leads (last_call_sid) where last_call_sid is not null;

create trigger campaign_leads_set_updated_at
  before update on public.campaign_leads
  for each row execute function public.set_updated_at();

-- Twilio's AnsweredBy for the call (asynchronous answering-machine detection), and the lead it
-- was placed for.
alter table public.conversations
  add column campaign_lead_id uuid references public.campaign_leads on delete set null,
  add column answered_by text check (answered_by in (
    'human', 'machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax', 'unknown'
  ));

create index conversations_campaign_lead_id_idx on public.conversations (campaign_lead_id)
  where campaign_lead_id is not null;

alter table public.campaigns enable row level security;
alter table public.campaign_leads enable row level security;
revoke all on public.campaigns, public.campaign_leads from anon, authenticated;
grant select, insert, update, delete on public.campaigns to authenticated;
grant select, update on public.campaign_leads to authenticated;
grant all on public.campaigns, public.campaign_leads to service_role;

create policy "Team members can read campaigns"
  on public.campaigns for select to authenticated
  using ((select public.is_team_member()));
create policy "Team admins can create campaigns"
  on public.campaigns for insert to authenticated
  with check ((select public.is_team_admin()));
create policy "Team admins can change campaigns"
  on public.campaigns for update to authenticated
  using ((select public.is_team_admin()))
  with check ((select public.is_team_admin()));
create policy "Team admins can delete campaigns"
  on public.campaigns for delete to authenticated
  using ((select public.is_team_admin()));
create policy "Team members can read campaign leads"
  on public.campaign_leads for select to authenticated
  using ((select public.is_team_member()));
create policy "Team admins can change campaign leads"
  on public.campaign_leads for update to authenticated
  using ((select public.is_team_admin()))
  with check ((select public.is_team_admin()));

-- Admins (or the service role) only; raises with a stable message otherwise.
create or replace function public.require_campaign_admin()
  returns void
  language plpgsql stable
  set search_path = ''
as $$
begin
  if current_user = 'authenticated' and not public.is_team_admin() then
    raise exception 'only team admins can run campaigns' using errcode = '42501';
  end if;
end
$$;

-- Adds leads: p_leads is an array of {phone_number, name?, time_zone?, language?, customer_id?}.
-- Valid rows are added (a number already in the campaign is counted, not duplicated); each
-- invalid row is reported by its index with the reason, and nothing else is lost. A lead is a
-- customer: a stated time zone is stored on the customer, where the calling-hours rule reads it.
create or replace function public.add_campaign_leads(p_campaign_id uuid, p_leads jsonb)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_row jsonb;
  v_index int := 0;
  v_phone text;
  v_lang text;
  v_zone text;
  v_added int := 0;
  v_duplicates int := 0;
  v_invalid jsonb := '[]';
begin
  perform public.require_campaign_admin();
  if not exists (select 1 from public.campaigns where id = p_campaign_id) then
    raise exception 'unknown campaign' using errcode = 'P0002';
  end if;
  if jsonb_typeof(p_leads) is distinct from 'array' then
    raise exception 'leads must be a JSON array' using errcode = '22023';
  end if;
  for v_row in select value from jsonb_array_elements(p_leads) loop
    v_index := v_index + 1;
    v_phone := regexp_replace(coalesce(v_row ->> 'phone_number', ''), '[\s().-]', '', 'g');
    if v_phone ~ '^[2-9][0-9]{9}$' then v_phone := '+1' || v_phone; end if;
    v_lang := lower(coalesce(nullif(btrim(v_row ->> 'language'), ''), 'en'));
    v_zone := nullif(btrim(v_row ->> 'time_zone'), '');
    if not public.is_e164(v_phone) then
      v_invalid := v_invalid || jsonb_build_object('row', v_index, 'reason', 'phone number is not a valid E.164 number');
    elsif v_lang not in ('en', 'es') then
      v_invalid := v_invalid || jsonb_build_object('row', v_index, 'reason', 'language must be en or es');
    elsif v_zone is not null and not exists (select 1 from pg_catalog.pg_timezone_names where name = v_zone) then
      v_invalid := v_invalid || jsonb_build_object('row', v_index, 'reason', 'time zone is not an IANA zone name');
    else
      if v_zone is not null then
        insert into public.customers as c (phone_number, name, timezone)
        values (v_phone, nullif(btrim(v_row ->> 'name'), ''), v_zone)
        on conflict (phone_number) do update set timezone = excluded.timezone, name = coalesce(c.name, excluded.name);
      end if;
      insert into public.campaign_leads (campaign_id, customer_id, phone_number, name, language)
      values (p_campaign_id,
              coalesce((v_row ->> 'customer_id')::uuid,
                       (select id from public.customers where phone_number = v_phone)),
              v_phone, nullif(btrim(v_row ->> 'name'), ''), v_lang)
      on conflict (campaign_id, phone_number) do nothing;
      if found then v_added := v_added + 1; else v_duplicates := v_duplicates + 1; end if;
    end if;
  end loop;
  return jsonb_build_object('added', v_added, 'duplicates', v_duplicates, 'invalid', v_invalid);
end
$$;

-- Adds the customers with these lead statuses (and at least this score) as leads.
create or replace function public.add_campaign_leads_from_customers(
  p_campaign_id uuid,
  p_statuses text[],
  p_min_score int default null
)
  returns jsonb
  language sql
  security definer
  set search_path = ''
as $$
  select public.add_campaign_leads(p_campaign_id, coalesce(jsonb_agg(jsonb_build_object(
    'phone_number', c.phone_number, 'name', c.name, 'customer_id', c.id)), '[]'))
  from public.customers as c
  where c.lead_status = any (p_statuses)
    and (p_min_score is null or coalesce(c.lead_score, 0) >= p_min_score)
    and public.callable_number(c.phone_number) is not null
$$;

-- Starts (or resumes) a campaign: the dialer job takes it from here.
create or replace function public.start_campaign(p_campaign_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_campaign public.campaigns;
begin
  perform public.require_campaign_admin();
  update public.campaigns
  set status = 'running', started_at = coalesce(started_at, now()), finished_at = null
  where id = p_campaign_id and status in ('draft', 'paused', 'running')
  returning * into v_campaign;
  if not found then
    raise exception 'campaign not found or already finished' using errcode = 'P0002';
  end if;
  perform public.enqueue_job('dial_campaign', jsonb_build_object('campaign_id', p_campaign_id),
                             'dial_campaign:' || p_campaign_id || ':' || extract(epoch from clock_timestamp()),
                             null, 20, 5);
  return jsonb_build_object('campaign_id', v_campaign.id, 'status', v_campaign.status);
end
$$;

-- Pauses a campaign: no new calls; calls in progress finish and are settled.
create or replace function public.pause_campaign(p_campaign_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform public.require_campaign_admin();
  update public.campaigns set status = 'paused' where id = p_campaign_id and status = 'running';
  return jsonb_build_object('campaign_id', p_campaign_id, 'paused', found);
end
$$;

-- The dialer's one step. Locks the campaign (so two dialers cannot both pass the pace and
-- concurrency checks), then takes at most one due lead (status calling, attempt counted) when
-- pace and concurrency allow: due leads on the do-not-call list are skipped for good, and due
-- leads outside their calling hours wait for their next window, on the way to the first callable
-- one. A lead added or brought forward is seen within 10 s. Answers {state: dial, lead, campaign}
-- | {state: wait, seconds, reason} | {state: finished} | {state: <paused|draft>}.
create or replace function public.claim_campaign_lead(p_campaign_id uuid, p_now timestamptz default now())
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_campaign public.campaigns;
  v_lead public.campaign_leads;
  v_calling int;
  v_spacing interval;
  v_next timestamptz;
  v_at timestamptz;
begin
  select * into v_campaign from public.campaigns where id = p_campaign_id for update;
  if not found then
    raise exception 'unknown campaign' using errcode = 'P0002';
  end if;
  if v_campaign.status <> 'running' then
    return jsonb_build_object('state', v_campaign.status);
  end if;

  select count(*) into v_calling from public.campaign_leads where campaign_id = p_campaign_id and status = 'calling';
  if v_calling >= v_campaign.max_concurrent then
    return jsonb_build_object('state', 'wait', 'seconds', 1, 'reason', 'concurrency');
  end if;
  v_spacing := make_interval(secs => 60.0 / v_campaign.calls_per_minute);
  if v_campaign.last_dialed_at is not null and v_campaign.last_dialed_at + v_spacing > p_now then
    return jsonb_build_object('state', 'wait', 'reason', 'pace',
      'seconds', extract(epoch from v_campaign.last_dialed_at + v_spacing - p_now));
  end if;

  -- Calling hours are asked per lead only here, for the leads on the way to one callable lead.
  for i in 1 .. 25 loop
    select * into v_lead from public.campaign_leads
    where campaign_id = p_campaign_id and status = 'queued' and next_attempt_at <= p_now
    order by next_attempt_at, created_at, id
    limit 1;
    exit when not found;
    if public.is_do_not_call(v_lead.phone_number) then
      update public.campaign_leads set status = 'skipped_dnc', waiting_reason = null where id = v_lead.id;
      continue;
    end if;
    v_at := public.next_calling_time(p_phone => v_lead.phone_number, p_at => p_now);
    if v_at > p_now then
      update public.campaign_leads set next_attempt_at = v_at, waiting_reason = 'outside_calling_hours'
      where id = v_lead.id;
      continue;
    end if;
    update public.campaign_leads
    set status = 'calling', attempts = attempts + 1, last_attempt_at = p_now, waiting_reason = null
    where id = v_lead.id
    returning * into v_lead;
    update public.campaigns set last_dialed_at = p_now where id = p_campaign_id;
    return jsonb_build_object('state', 'dial',
      'lead', jsonb_build_object('id', v_lead.id, 'phone_number', v_lead.phone_number, 'attempt', v_lead.attempts),
      'campaign', jsonb_build_object('id', v_campaign.id));
  end loop;

  select min(next_attempt_at) into v_next from public.campaign_leads
  where campaign_id = p_campaign_id and status = 'queued';
  if v_next is null then
    if v_calling = 0 then
      update public.campaigns set status = 'finished', finished_at = p_now where id = p_campaign_id;
      return jsonb_build_object('state', 'finished');
    end if;
    return jsonb_build_object('state', 'wait', 'seconds', 1, 'reason', 'calls in progress');
  end if;
  return jsonb_build_object('state', 'wait', 'reason', 'no lead due',
    'seconds', least(10, greatest(0.2, extract(epoch from v_next - p_now))));
end
$$;

-- The call is placed: the conversation opens now (so a call nobody answers still closes through
-- its status callback) and knows its campaign and lead.
create or replace function public.record_campaign_call_placed(p_lead_id uuid, p_call_sid text, p_from text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_lead public.campaign_leads;
  v_campaign public.campaigns;
  v_conversation_id uuid;
begin
  select * into v_lead from public.campaign_leads where id = p_lead_id for update;
  if not found then
    raise exception 'unknown campaign lead' using errcode = 'P0002';
  end if;
  select * into v_campaign from public.campaigns where id = v_lead.campaign_id;
  v_conversation_id := (public.start_call(p_call_sid, p_from, v_lead.phone_number, 'outbound') ->> 'conversation_id')::uuid;
  update public.conversations as c
  set campaign_lead_id = v_lead.id,
      state = c.state || jsonb_build_object('campaign', jsonb_build_object(
        'campaign_id', v_campaign.id, 'lead_id', v_lead.id, 'goal', v_campaign.goal,
        'instructions', v_campaign.instructions, 'language', v_lead.language))
  where c.id = v_conversation_id;
  update public.campaign_leads
  set last_call_sid = p_call_sid, conversation_id = v_conversation_id,
      customer_id = coalesce(customer_id, (select customer_id from public.conversations where id = v_conversation_id))
  where id = p_lead_id;
  return jsonb_build_object('conversation_id', v_conversation_id);
end
$$;

-- Placing the call failed (Twilio refused it or was unreachable): the attempt counts; the lead
-- waits for its next try, or fails when it cannot succeed or its attempts are used up.
create or replace function public.release_campaign_lead(p_lead_id uuid, p_permanent boolean)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_lead public.campaign_leads;
  v_campaign public.campaigns;
begin
  select * into v_lead from public.campaign_leads where id = p_lead_id and status = 'calling' for update;
  if not found then
    return null;
  end if;
  select * into v_campaign from public.campaigns where id = v_lead.campaign_id;
  if p_permanent or v_lead.attempts >= v_campaign.max_attempts then
    update public.campaign_leads set status = 'failed', last_result = 'not placed' where id = p_lead_id;
    return 'failed';
  end if;
  update public.campaign_leads
  set status = 'queued', last_result = 'not placed', waiting_reason = 'retry_failed',
      next_attempt_at = public.next_calling_time(p_phone => phone_number,
                                                 p_at => now() + make_interval(mins => v_campaign.retry_minutes))
  where id = p_lead_id;
  return 'queued';
end
$$;

-- A campaign call ended: no answer, busy or failed goes back in the queue after the campaign's
-- spacing (within calling hours) until the attempts are used up; a machine is a voicemail left or
-- a hang-up; anyone else is a person reached, with the call's outcome.
create or replace function public.settle_campaign_lead(p_conversation public.conversations)
  returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_lead public.campaign_leads;
  v_campaign public.campaigns;
begin
  select * into v_lead from public.campaign_leads
  where id = p_conversation.campaign_lead_id and status = 'calling' and last_call_sid = p_conversation.call_sid
  for update;
  if not found then
    return;
  end if;
  select * into v_campaign from public.campaigns where id = v_lead.campaign_id;
  if p_conversation.status in ('no-answer', 'busy', 'failed', 'canceled') then
    if v_lead.attempts < v_campaign.max_attempts then
      update public.campaign_leads
      set status = 'queued', last_result = p_conversation.status,
          waiting_reason = case p_conversation.status when 'busy' then 'retry_busy'
                                when 'no-answer' then 'retry_no_answer' else 'retry_failed' end,
          next_attempt_at = public.next_calling_time(p_phone => phone_number,
                                                 p_at => now() + make_interval(mins => v_campaign.retry_minutes))
      where id = v_lead.id;
    else
      update public.campaign_leads
      set status = case p_conversation.status when 'busy' then 'busy' when 'no-answer' then 'no_answer'
                        else 'failed' end,
          last_result = p_conversation.status
      where id = v_lead.id;
    end if;
  elsif p_conversation.answered_by like 'machine%' or p_conversation.answered_by = 'fax' then
    update public.campaign_leads
    set status = case when p_conversation.state ->> 'voicemail' = 'left' then 'voicemail' else 'machine' end,
        last_result = p_conversation.status, answered_by = p_conversation.answered_by
    where id = v_lead.id;
  else
    update public.campaign_leads
    set status = 'reached', last_result = p_conversation.status,
        answered_by = coalesce(p_conversation.answered_by, 'unknown'), outcome = p_conversation.outcome
    where id = v_lead.id;
  end if;
end
$$;

create or replace function public.settle_campaign_call()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform public.settle_campaign_lead(new);
  return null;
end
$$;

create trigger conversations_settle_campaign_call
  after update of ended_at on public.conversations
  for each row when (old.ended_at is null and new.ended_at is not null and new.campaign_lead_id is not null)
  execute function public.settle_campaign_call();

-- Twilio's asynchronous answering-machine verdict for a call. Stored once (a retried callback
-- gets the same answer). For a campaign call it says what to do now: leave the campaign's
-- voicemail in the lead's language (the message is stored as the agent's words), hang up (a
-- machine with hang_up set, or a fax), or let the agent go on (a person, or unknown).
create or replace function public.record_answered_by(p_call_sid text, p_answered_by text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_lead public.campaign_leads;
  v_campaign public.campaigns;
  v_message text;
  v_first_name text;
  v_action text;
begin
  if p_answered_by is null or p_answered_by not in (
    'human', 'machine_start', 'machine_end_beep', 'machine_end_silence', 'machine_end_other', 'fax', 'unknown'
  ) then
    raise exception 'invalid AnsweredBy' using errcode = '22023', detail = format('%L', p_answered_by);
  end if;
  select * into v_conversation from public.conversations where call_sid = p_call_sid for update;
  if not found then
    return jsonb_build_object('action', 'none', 'reason', 'unknown call');
  end if;
  if v_conversation.answered_by is null then
    update public.conversations set answered_by = p_answered_by where id = v_conversation.id
    returning * into v_conversation;
  end if;
  select * into v_lead from public.campaign_leads where id = v_conversation.campaign_lead_id;
  select * into v_campaign from public.campaigns where id = v_lead.campaign_id;
  if v_lead.id is not null then
    update public.campaign_leads set answered_by = v_conversation.answered_by where id = v_lead.id;
  end if;

  if v_conversation.answered_by = 'fax' then
    v_action := 'hangup';
  elsif v_conversation.answered_by like 'machine_end%' and v_campaign.id is not null then
    v_action := case v_campaign.voicemail_action when 'leave' then 'voicemail' else 'hangup' end;
  else
    v_action := 'continue';
  end if;

  if v_action = 'voicemail' then
    v_first_name := split_part(btrim(coalesce(v_lead.name,
      (select name from public.customers where id = v_conversation.customer_id), '')), ' ', 1);
    v_message := coalesce(nullif(btrim(v_campaign.voicemail_messages ->> v_lead.language), ''),
                          v_campaign.voicemail_messages ->> 'en');
    v_message := btrim(regexp_replace(replace(replace(v_message, '{name}', v_first_name), '{business}',
      coalesce((public.call_config(v_conversation.agent_config_id)).business_name, '')), '\s+([,.!?])', '\1', 'g'));
    if coalesce(v_conversation.state ->> 'voicemail', '') <> 'left' then
      insert into public.messages (conversation_id, turn, role, kind, content)
      values (v_conversation.id, v_conversation.last_turn + 1, 'agent', 'speech', v_message)
      on conflict (conversation_id, turn, role) do nothing;
      update public.conversations as c
      set state = c.state || jsonb_build_object('voicemail', 'left'), last_turn = c.last_turn + 1
      where c.id = v_conversation.id;
    end if;
  elsif v_action = 'hangup' then
    update public.conversations as c set state = c.state || jsonb_build_object('voicemail', 'skipped')
    where c.id = v_conversation.id and coalesce(c.state ->> 'voicemail', '') = '';
  end if;

  return jsonb_build_object('action', v_action, 'answered_by', v_conversation.answered_by,
                            'message', v_message, 'language', coalesce(v_lead.language, 'en'));
end
$$;

-- For the outbound greeting: the campaign a call was placed for (checked against the call).
create or replace function public.campaign_call_context(p_lead_id uuid, p_call_sid text)
  returns jsonb
  language sql stable
  security definer
  set search_path = ''
as $$
  select jsonb_build_object('opening', c.opening, 'goal', c.goal, 'name', coalesce(l.name, cu.name),
                            'language', l.language)
  from public.campaign_leads as l
  join public.campaigns as c on c.id = l.campaign_id
  left join public.customers as cu on cu.id = l.customer_id
  where l.id = p_lead_id and l.last_call_sid = p_call_sid
$$;

-- A campaign's progress for its page: counts by status and the leads, newest activity first.
create or replace function public.campaign_progress(p_campaign_id uuid)
  returns jsonb
  language sql stable
  set search_path = ''
as $$
  select jsonb_build_object(
    'counts', (select coalesce(jsonb_object_agg(status, n), '{}')
               from (select status, count(*) as n from public.campaign_leads
                     where campaign_id = p_campaign_id group by status) as s),
    'calls_placed', (select count(*) from public.conversations as c
                     join public.campaign_leads as l on l.id = c.campaign_lead_id
                     where l.campaign_id = p_campaign_id))
$$;

revoke all on function public.require_campaign_admin() from public, anon;
revoke all on function public.add_campaign_leads(uuid, jsonb) from public, anon;
revoke all on function public.add_campaign_leads_from_customers(uuid, text[], int) from public, anon;
revoke all on function public.start_campaign(uuid) from public, anon;
revoke all on function public.pause_campaign(uuid) from public, anon;
revoke all on function public.claim_campaign_lead(uuid, timestamptz) from public, anon, authenticated;
revoke all on function public.record_campaign_call_placed(uuid, text, text) from public, anon, authenticated;
revoke all on function public.release_campaign_lead(uuid, boolean) from public, anon, authenticated;
revoke all on function public.settle_campaign_lead(public.conversations) from public, anon, authenticated;
revoke all on function public.settle_campaign_call() from public, anon, authenticated;
revoke all on function public.record_answered_by(text, text) from public, anon, authenticated;
revoke all on function public.campaign_call_context(uuid, text) from public, anon, authenticated;
revoke all on function public.campaign_progress(uuid) from public, anon;
grant execute on function public.require_campaign_admin() to authenticated, service_role;
grant execute on function public.add_campaign_leads(uuid, jsonb) to authenticated, service_role;
grant execute on function public.add_campaign_leads_from_customers(uuid, text[], int) to authenticated, service_role;
grant execute on function public.start_campaign(uuid) to authenticated, service_role;
grant execute on function public.pause_campaign(uuid) to authenticated, service_role;
grant execute on function public.claim_campaign_lead(uuid, timestamptz) to service_role;
grant execute on function public.record_campaign_call_placed(uuid, text, text) to service_role;
grant execute on function public.release_campaign_lead(uuid, boolean) to service_role;
grant execute on function public.record_answered_by(text, text) to service_role;
grant execute on function public.campaign_call_context(uuid, text) to service_role;
grant execute on function public.campaign_progress(uuid) to authenticated, service_role;
