-- The changes that start work after the call, each enqueueing its jobs in the same transaction:
-- a call closes (analysis; a waiting lead goes out; a callback attempt is settled), a lead is
-- captured (new-lead notification, CRM), a transfer nobody answered, a message left for the team.

alter table public.conversations
  add column analysis jsonb,
  add column analysed_at timestamptz;

-- The outbound call placed for a callback, so the call's end can settle the attempt.
alter table public.scheduled_tasks
  add column last_call_sid text,
  add column last_attempt_at timestamptz;

create index scheduled_tasks_last_call_sid_idx on public.scheduled_tasks (last_call_sid) where last_call_sid is not null;

-- An outbound callback call ended: answered (the callee spoke) settles the task; otherwise it is
-- tried again later, or given up after max_attempts with a notification to the team.
create or replace function public.settle_callback(p_conversation public.conversations)
  returns void
  language plpgsql
  set search_path = ''
as $$
declare
  v_task public.scheduled_tasks;
begin
  select * into v_task from public.scheduled_tasks
  where last_call_sid = p_conversation.call_sid and task_type = 'callback' and status = 'in_progress'
  for update;
  if not found then
    return;
  end if;
  if p_conversation.status = 'completed' and p_conversation.outcome is distinct from 'abandoned' then
    update public.scheduled_tasks set status = 'done' where id = v_task.id;
  elsif v_task.attempts >= v_task.max_attempts then
    update public.scheduled_tasks set status = 'failed' where id = v_task.id;
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'callback_failed', 'task_id', v_task.id),
                               'notify:callback_failed:' || v_task.id);
  else
    update public.scheduled_tasks
    set status = 'pending',
        scheduled_for = now() + (select callback_retry_minutes from public.automation_settings) * interval '1 minute'
    where id = v_task.id;
  end if;
end
$$;

create or replace function public.enqueue_after_call_change()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_closed boolean := old.ended_at is null and new.ended_at is not null;
begin
  if v_closed then
    perform public.enqueue_job('analyse_call', jsonb_build_object('conversation_id', new.id),
                               'analyse_call:' || new.id);
    -- A lead's notification and CRM sync wait for the call to end (so they carry every field).
    if new.customer_id is not null then
      update public.jobs set run_at = now()
      where state = 'queued' and run_at > now() and kind in ('notify', 'crm_sync')
        and payload ->> 'customer_id' = new.customer_id::text;
    end if;
    if new.direction = 'outbound' then
      perform public.settle_callback(new);
    end if;
  end if;

  -- A transfer nobody answered. A call that closes mid-transfer may still get its dial result
  -- (Twilio does not order the two callbacks), so that case waits two minutes and re-checks.
  if new.escalated and new.transfer_status in ('busy', 'no-answer', 'failed', 'canceled')
     and new.transfer_status is distinct from old.transfer_status then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'unanswered_escalation', 'conversation_id', new.id),
                               'notify:unanswered_escalation:' || new.id);
  elsif v_closed and new.escalated and new.transfer_status is null then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'unanswered_escalation', 'conversation_id', new.id),
                               'notify:unanswered_escalation:' || new.id, now() + interval '2 minutes');
  end if;
  return null;
end
$$;

create trigger conversations_enqueue_after_call
  after update of ended_at, transfer_status on public.conversations
  for each row execute function public.enqueue_after_call_change();

-- A lead: the first time a customer has a name or an email.
create or replace function public.enqueue_lead_captured()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if (tg_op = 'INSERT' and (new.name is not null or new.email is not null))
     or (tg_op = 'UPDATE' and ((old.name is null and new.name is not null) or (old.email is null and new.email is not null)))
  then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'new_lead', 'customer_id', new.id),
                               'notify:new_lead:' || new.id);
    perform public.enqueue_job('crm_sync', jsonb_build_object('event', 'lead.captured', 'customer_id', new.id),
                               'crm_sync:lead.captured:' || new.id, null, 8, 30);
  end if;
  return null;
end
$$;

create trigger customers_enqueue_lead_captured
  after insert or update of name, email on public.customers
  for each row execute function public.enqueue_lead_captured();

-- A message left for the team (after hours, or a transfer nobody took, or a voicemail).
create or replace function public.enqueue_message_left()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform public.enqueue_job('notify', jsonb_build_object('kind', 'message_left', 'task_id', new.id),
                             'notify:message_left:' || new.id);
  return null;
end
$$;

create trigger scheduled_tasks_enqueue_message_left
  after insert on public.scheduled_tasks
  for each row when (new.task_type = 'message')
  execute function public.enqueue_message_left();

-- pg_cron, each minute: due callbacks are taken (in_progress) and get a place_callback job.
create or replace function public.enqueue_due_callbacks()
  returns int
  language sql
  security definer
  set search_path = ''
as $$
  with due as (
    update public.scheduled_tasks
    set status = 'in_progress'
    where task_type = 'callback' and status = 'pending' and scheduled_for <= now()
    returning id, scheduled_for
  )
  select count(public.enqueue_job('place_callback', jsonb_build_object('task_id', id),
                                  'place_callback:' || id || ':' || extract(epoch from scheduled_for)::bigint,
                                  null, 3, 30))::int
  from due
$$;

-- What the place_callback job needs: the task, the customer and the active agent config.
create or replace function public.callback_job_context(p_task_id uuid)
  returns jsonb
  language sql stable
  security definer
  set search_path = ''
as $$
  select jsonb_build_object(
    'task', to_jsonb(t),
    'customer', (select to_jsonb(c) from public.customers as c where c.id = t.customer_id),
    'config', (select to_jsonb(a) from public.agent_configs as a where a.is_active)
  )
  from public.scheduled_tasks as t
  where t.id = p_task_id and t.task_type = 'callback'
$$;

-- Outside business hours: the task waits (pending) until p_at; the attempt is not counted.
create or replace function public.defer_callback(p_task_id uuid, p_at timestamptz)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  update public.scheduled_tasks set status = 'pending', scheduled_for = p_at
  where id = p_task_id and task_type = 'callback' and status = 'in_progress';
  return found;
end
$$;

-- Counts an attempt before the call is placed, so max_attempts holds even if the worker dies
-- mid-request. {ok: false, reason} when the task is no longer ours or is used up.
create or replace function public.begin_callback_attempt(p_task_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_task public.scheduled_tasks;
  v_phone text;
begin
  select * into v_task from public.scheduled_tasks where id = p_task_id and task_type = 'callback' for update;
  if not found or v_task.status <> 'in_progress' then
    return jsonb_build_object('ok', false, 'reason', 'not due');
  end if;
  v_phone := coalesce(public.callable_number(v_task.phone_number),
                      (select public.callable_number(phone_number) from public.customers where id = v_task.customer_id));
  if v_task.attempts >= v_task.max_attempts or v_phone is null then
    update public.scheduled_tasks set status = 'failed' where id = p_task_id;
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'callback_failed', 'task_id', p_task_id),
                               'notify:callback_failed:' || p_task_id);
    return jsonb_build_object('ok', false, 'reason', case when v_phone is null then 'no number' else 'max attempts' end);
  end if;
  update public.scheduled_tasks set attempts = attempts + 1, last_attempt_at = now() where id = p_task_id
  returning * into v_task;
  return jsonb_build_object('ok', true, 'attempt', v_task.attempts, 'phone', v_phone);
end
$$;

-- The call is placed: the conversation opens now (so a call nobody answers still closes through
-- its status callback) and remembers the callback for the agent.
create or replace function public.record_callback_placed(p_task_id uuid, p_call_sid text, p_from text, p_to text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_started jsonb;
begin
  v_started := public.start_call(p_call_sid, p_from, p_to, 'outbound');
  update public.conversations as c
  set state = c.state || jsonb_build_object('callback', jsonb_build_object(
        'task_id', t.id, 'notes', t.notes, 'origin_conversation_id', t.conversation_id))
  from public.scheduled_tasks as t
  where c.id = (v_started ->> 'conversation_id')::uuid and t.id = p_task_id;
  update public.scheduled_tasks set last_call_sid = p_call_sid where id = p_task_id;
  return jsonb_build_object('conversation_id', v_started ->> 'conversation_id');
end
$$;

-- Placing the call failed: the attempt counts; the task waits for its next try or is given up.
create or replace function public.release_callback_attempt(p_task_id uuid)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_task public.scheduled_tasks;
begin
  select * into v_task from public.scheduled_tasks where id = p_task_id and status = 'in_progress' for update;
  if not found then
    return null;
  end if;
  if v_task.attempts >= v_task.max_attempts then
    update public.scheduled_tasks set status = 'failed' where id = p_task_id;
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'callback_failed', 'task_id', p_task_id),
                               'notify:callback_failed:' || p_task_id);
    return 'failed';
  end if;
  update public.scheduled_tasks
  set status = 'pending',
      scheduled_for = now() + (select callback_retry_minutes from public.automation_settings) * interval '1 minute'
  where id = p_task_id;
  return 'pending';
end
$$;

-- For the outbound greeting: the callback a call was placed for (by task id from the call's
-- Voice URL, checked against the call it was placed as).
create or replace function public.callback_context(p_task_id uuid, p_call_sid text)
  returns jsonb
  language sql stable
  security definer
  set search_path = ''
as $$
  select jsonb_build_object('task_id', t.id, 'notes', t.notes, 'scheduled_for', t.scheduled_for,
                            'attempts', t.attempts)
  from public.scheduled_tasks as t
  where t.id = p_task_id and t.task_type = 'callback'
    and (t.last_call_sid is null or t.last_call_sid = p_call_sid)
$$;

-- The post-call analysis, stored on the call and its customer. Found fields fill the customer's
-- empty ones only (what the caller confirmed during the call wins). Same input, same rows.
create or replace function public.store_call_analysis(p_conversation_id uuid, p_analysis jsonb)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_fields jsonb := coalesce(p_analysis -> 'fields', '{}');
  v_email text := lower(nullif(btrim(v_fields ->> 'email'), ''));
begin
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    v_email := null;
  end if;
  update public.conversations as c set
    summary = nullif(btrim(p_analysis ->> 'summary'), ''),
    sentiment_score = round(greatest(-1, least(1, (p_analysis ->> 'sentiment')::numeric)), 2),
    lead_score = greatest(0, least(100, round((p_analysis ->> 'lead_score')::numeric)::int)),
    outcome = coalesce(c.outcome, p_analysis ->> 'outcome'),
    analysis = p_analysis,
    analysed_at = coalesce(c.analysed_at, now())
  where c.id = p_conversation_id
  returning * into v_conversation;
  if not found then
    raise exception 'unknown conversation' using errcode = 'P0002';
  end if;
  if v_conversation.customer_id is not null then
    update public.customers as cu set
      name = coalesce(cu.name, nullif(btrim(v_fields ->> 'name'), '')),
      company = coalesce(cu.company, nullif(btrim(v_fields ->> 'company'), '')),
      email = coalesce(cu.email, v_email),
      need = coalesce(cu.need, nullif(btrim(v_fields ->> 'need'), '')),
      timeline = coalesce(cu.timeline, nullif(btrim(v_fields ->> 'timeline'), '')),
      lead_score = v_conversation.lead_score,
      sentiment_score = v_conversation.sentiment_score
    where cu.id = v_conversation.customer_id;
  end if;
  return jsonb_build_object('conversation_id', v_conversation.id, 'customer_id', v_conversation.customer_id,
                            'outcome', v_conversation.outcome);
end
$$;

revoke all on function public.settle_callback(public.conversations) from public, anon, authenticated;
revoke all on function public.enqueue_after_call_change() from public, anon, authenticated;
revoke all on function public.enqueue_lead_captured() from public, anon, authenticated;
revoke all on function public.enqueue_message_left() from public, anon, authenticated;
revoke all on function public.enqueue_due_callbacks() from public, anon, authenticated;
revoke all on function public.callback_job_context(uuid) from public, anon, authenticated;
revoke all on function public.defer_callback(uuid, timestamptz) from public, anon, authenticated;
revoke all on function public.begin_callback_attempt(uuid) from public, anon, authenticated;
revoke all on function public.record_callback_placed(uuid, text, text, text) from public, anon, authenticated;
revoke all on function public.release_callback_attempt(uuid) from public, anon, authenticated;
revoke all on function public.callback_context(uuid, text) from public, anon, authenticated;
revoke all on function public.store_call_analysis(uuid, jsonb) from public, anon, authenticated;
grant execute on function public.enqueue_due_callbacks() to service_role;
grant execute on function public.callback_job_context(uuid) to service_role;
grant execute on function public.defer_callback(uuid, timestamptz) to service_role;
grant execute on function public.begin_callback_attempt(uuid) to service_role;
grant execute on function public.record_callback_placed(uuid, text, text, text) to service_role;
grant execute on function public.release_callback_attempt(uuid) to service_role;
grant execute on function public.callback_context(uuid, text) to service_role;
grant execute on function public.store_call_analysis(uuid, jsonb) to service_role;

select cron.schedule('callbacks-due', '* * * * *', $$select public.enqueue_due_callbacks()$$);
