-- Data rights and retention. A caller's privacy requests during a call (delete my data; do not
-- call me); an admin approves an erasure, and erase_customer() removes the person everywhere
-- (their recordings at Twilio through delete_recording jobs), leaving an audit entry with counts
-- only; export_customer() returns everything held about a customer. Retention modes per
-- business: 'everything'; 'no_pii' (names, emails and numbers in transcripts and summaries
-- masked once the call is analysed); 'basic' (no transcript or summary kept after analysis);
-- and the retention period's nightly job also deletes old recordings and logs what it removed.

alter table public.automation_settings
  add column retention_mode text not null default 'everything'
    check (retention_mode in ('everything', 'no_pii', 'basic'));

create table public.data_requests (
  id uuid primary key default gen_random_uuid(),
  kind text not null default 'erasure' check (kind in ('erasure')),
  customer_id uuid references public.customers on delete set null,
  conversation_id uuid references public.conversations on delete set null,
  task_id uuid references public.scheduled_tasks on delete set null,
  status text not null default 'pending' check (status in ('pending', 'completed', 'rejected')),
  decided_by text,
  decided_at timestamptz,
  -- Counts of what was erased: never a name, number or email.
  result jsonb,
  created_at timestamptz not null default now()
);

create unique index data_requests_one_pending_per_customer on public.data_requests (customer_id)
  where status = 'pending';

alter table public.data_requests enable row level security;
revoke all on public.data_requests from anon, authenticated;
grant select on public.data_requests to authenticated;
grant all on public.data_requests to service_role;

create policy "Team admins can read data requests"
  on public.data_requests for select to authenticated
  using ((select public.is_team_admin()));

-- A privacy request said during a call: 'erasure' becomes a pending request and a follow-up task
-- for the team; 'do_not_call' puts the caller's number on the list at once.
create or replace function public.record_privacy_request(p_call_sid text, p_kind text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_phone text;
  v_request_id uuid;
  v_task_id uuid;
begin
  if p_kind is null or p_kind not in ('erasure', 'do_not_call') then
    raise exception 'invalid privacy request' using errcode = '22023', detail = format('%L', p_kind);
  end if;
  select * into v_conversation from public.conversations where call_sid = p_call_sid;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  v_phone := public.callable_number(case v_conversation.direction when 'inbound' then v_conversation.from_number
                                    else v_conversation.to_number end);
  if p_kind = 'do_not_call' then
    if v_phone is null then
      return jsonb_build_object('ok', false, 'reason', 'no number');
    end if;
    perform public.add_do_not_call(v_phone, 'caller', 'asked during a call', v_conversation.id);
    -- Callbacks already booked for this number are not placed.
    update public.scheduled_tasks set status = 'cancelled'
    where task_type = 'callback' and status = 'pending'
      and (phone_number = v_phone or customer_id = v_conversation.customer_id);
    return jsonb_build_object('ok', true, 'kind', p_kind);
  end if;

  if v_conversation.customer_id is null then
    return jsonb_build_object('ok', false, 'reason', 'unknown caller');
  end if;
  select id into v_request_id from public.data_requests
  where customer_id = v_conversation.customer_id and status = 'pending';
  if not found then
    insert into public.scheduled_tasks (customer_id, conversation_id, task_type, scheduled_for, phone_number, notes,
                                        assigned_to)
    values (v_conversation.customer_id, v_conversation.id, 'follow_up', now(), v_phone,
            'The caller asked to have their data deleted. An admin approves it under Admin, Data requests.',
            (select user_id from public.team_members where active and role = 'admin' order by user_id limit 1))
    returning id into v_task_id;
    insert into public.data_requests (customer_id, conversation_id, task_id)
    values (v_conversation.customer_id, v_conversation.id, v_task_id)
    returning id into v_request_id;
  end if;
  return jsonb_build_object('ok', true, 'kind', p_kind, 'request_id', v_request_id);
end
$$;

-- Erases a customer everywhere: the customer row and (by cascade or here) their calls,
-- transcripts, tasks, analyses, recordings (deleted at Twilio by jobs that carry only the
-- recording sid), the jobs and notifications that name them; their do-not-call entry keeps only
-- its key. Admins (under the dashboard's role) and the service role may call it.
create or replace function public.erase_customer(p_customer_id uuid, p_request_id uuid default null)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_customer public.customers;
  v_conversations uuid[];
  v_call_sids text[];
  v_tasks uuid[];
  v_recordings int;
  v_jobs int;
  v_notifications int;
  v_masked int;
  v_calls int;
  v_tasks_n int;
  v_messages int;
  v_terms text[];
  v_result jsonb;
begin
  if current_setting('role', true) = 'authenticated' and not public.is_team_admin() then
    raise exception 'only team admins can erase a customer' using errcode = '42501';
  end if;
  select * into v_customer from public.customers where id = p_customer_id for update;
  if not found then
    raise exception 'unknown customer' using errcode = 'P0002';
  end if;

  select coalesce(array_agg(id), '{}'), coalesce(array_agg(call_sid), '{}') into v_conversations, v_call_sids
  from public.conversations
  where customer_id = p_customer_id
     or from_number = v_customer.phone_number or to_number = v_customer.phone_number;
  select coalesce(array_agg(id), '{}') into v_tasks from public.scheduled_tasks
  where customer_id = p_customer_id or conversation_id = any (v_conversations) or phone_number = v_customer.phone_number;
  select count(*) into v_messages from public.messages where conversation_id = any (v_conversations);

  -- Recordings: deleted at Twilio by a job each; the rows lose their link to the call.
  perform public.enqueue_job('delete_recording', jsonb_build_object('recording_sid', r.recording_sid),
                             'delete_recording:' || r.recording_sid, null, 8, 30)
  from public.call_recordings as r
  where (r.conversation_id = any (v_conversations) or r.call_sid = any (v_call_sids))
    and r.recording_sid is not null and r.status <> 'deleted';
  update public.call_recordings set conversation_id = null, delete_reason = 'erasure'
  where conversation_id = any (v_conversations) or call_sid = any (v_call_sids);
  get diagnostics v_recordings = row_count;
  delete from public.call_recordings where recording_sid is null and call_sid = any (v_call_sids);

  delete from public.jobs
  where payload ->> 'customer_id' = p_customer_id::text
     or payload ->> 'conversation_id' = any (v_conversations::text[])
     or payload ->> 'task_id' = any (v_tasks::text[]);
  get diagnostics v_jobs = row_count;

  delete from public.notifications
  where customer_id = p_customer_id or conversation_id = any (v_conversations);
  get diagnostics v_notifications = row_count;
  -- Reports and alerts that mention them keep their figures; the person's words are masked.
  v_terms := array_remove(array[v_customer.phone_number, v_customer.email, nullif(btrim(v_customer.name), '')], null);
  update public.notifications as n
  set subject = public.mask_terms(n.subject, v_terms), body = public.mask_terms(n.body, v_terms)
  where exists (select 1 from unnest(v_terms) as t where strpos(lower(n.subject || ' ' || n.body), lower(t)) > 0);
  get diagnostics v_masked = row_count;

  update public.do_not_call set phone_number = null, reason = null, conversation_id = null
  where phone_key = public.phone_key(v_customer.phone_number);
  update public.data_requests set customer_id = null, conversation_id = null, task_id = null
  where customer_id = p_customer_id;

  delete from public.scheduled_tasks where id = any (v_tasks);
  get diagnostics v_tasks_n = row_count;
  delete from public.conversations where id = any (v_conversations);
  get diagnostics v_calls = row_count;
  delete from public.customers where id = p_customer_id;

  v_result := jsonb_build_object('calls', v_calls, 'messages', v_messages, 'tasks', v_tasks_n,
    'recordings', v_recordings, 'jobs', v_jobs, 'notifications_deleted', v_notifications,
    'notifications_masked', v_masked);
  if p_request_id is not null then
    update public.data_requests set status = 'completed', decided_by = public.audit_actor(), decided_at = now(),
                                    result = v_result
    where id = p_request_id;
  end if;
  perform public.append_audit('customer.erase', 'customers', null,
    jsonb_build_object('request_id', p_request_id, 'erased', v_result));
  return v_result;
end
$$;

-- Every occurrence of each term (case-insensitive) replaced by '[erased]'.
create or replace function public.mask_terms(p_text text, p_terms text[])
  returns text
  language plpgsql immutable
  set search_path = ''
as $$
declare
  v_term text;
  v_out text := p_text;
begin
  foreach v_term in array coalesce(p_terms, '{}') loop
    v_out := regexp_replace(v_out, regexp_replace(v_term, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g'), '[erased]', 'gi');
  end loop;
  return v_out;
end
$$;

-- An admin's decision on a pending erasure request.
create or replace function public.decide_data_request(p_request_id uuid, p_approve boolean)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_request public.data_requests;
begin
  if current_setting('role', true) = 'authenticated' and not public.is_team_admin() then
    raise exception 'only team admins can decide data requests' using errcode = '42501';
  end if;
  select * into v_request from public.data_requests where id = p_request_id for update;
  if not found then
    raise exception 'unknown data request' using errcode = 'P0002';
  elsif v_request.status <> 'pending' then
    raise exception 'data request already decided' using errcode = '22023';
  end if;
  if not p_approve then
    update public.data_requests set status = 'rejected', decided_by = public.audit_actor(), decided_at = now()
    where id = p_request_id;
    perform public.append_audit('data_request.reject', 'data_requests', p_request_id::text, '{}');
    return jsonb_build_object('status', 'rejected');
  end if;
  if v_request.customer_id is null then
    update public.data_requests set status = 'completed', decided_by = public.audit_actor(), decided_at = now(),
                                    result = '{"already_erased": true}'
    where id = p_request_id;
    return jsonb_build_object('status', 'completed', 'erased', null);
  end if;
  return jsonb_build_object('status', 'completed',
                            'erased', public.erase_customer(v_request.customer_id, p_request_id));
end
$$;

-- Everything held about one customer, as one JSON document (an admin's export).
create or replace function public.export_customer(p_customer_id uuid)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_customer public.customers;
  v_doc jsonb;
begin
  if current_setting('role', true) = 'authenticated' and not public.is_team_admin() then
    raise exception 'only team admins can export a customer' using errcode = '42501';
  end if;
  select * into v_customer from public.customers where id = p_customer_id;
  if not found then
    raise exception 'unknown customer' using errcode = 'P0002';
  end if;
  v_doc := jsonb_build_object(
    'exported_at', now(),
    'customer', to_jsonb(v_customer),
    'calls', (select coalesce(jsonb_agg(to_jsonb(c) || jsonb_build_object(
                'messages', (select coalesce(jsonb_agg(jsonb_build_object('turn', m.turn, 'role', m.role, 'kind', m.kind,
                               'content', m.content, 'at', m.created_at) order by m.turn, m.role = 'agent', m.id), '[]')
                             from public.messages as m where m.conversation_id = c.id),
                'recordings', (select coalesce(jsonb_agg(jsonb_build_object('recording_sid', r.recording_sid,
                                 'status', r.status, 'duration_seconds', r.duration_seconds, 'started_at', r.started_at)), '[]')
                               from public.call_recordings as r where r.conversation_id = c.id))
              order by c.started_at), '[]')
              from public.conversations as c where c.customer_id = p_customer_id),
    'tasks', (select coalesce(jsonb_agg(to_jsonb(t) order by t.created_at), '[]')
              from public.scheduled_tasks as t where t.customer_id = p_customer_id),
    'notifications', (select coalesce(jsonb_agg(jsonb_build_object('kind', n.kind, 'subject', n.subject, 'body', n.body,
                        'created_at', n.created_at) order by n.created_at), '[]')
                      from public.notifications as n where n.customer_id = p_customer_id),
    'do_not_call', (select jsonb_build_object('source', d.source, 'since', d.created_at)
                    from public.do_not_call as d where d.phone_key = public.phone_key(v_customer.phone_number)),
    'data_requests', (select coalesce(jsonb_agg(jsonb_build_object('kind', r.kind, 'status', r.status,
                        'created_at', r.created_at, 'decided_at', r.decided_at)), '[]')
                      from public.data_requests as r where r.customer_id = p_customer_id)
  );
  perform public.append_audit('customer.export', 'customers', p_customer_id::text, '{}');
  return v_doc;
end
$$;

-- Masks names (the customer's own), emails (written or spoken) and numbers of five or more
-- digits (written or spoken) in a text.
create or replace function public.mask_pii(p_text text, p_names text[] default '{}')
  returns text
  language plpgsql immutable
  set search_path = ''
as $$
declare
  v_name text;
  v_out text := p_text;
  c_digit text := '(zero|oh|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)';
begin
  if v_out is null then
    return null;
  end if;
  v_out := regexp_replace(v_out, '[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}', '[email]', 'gi');
  v_out := regexp_replace(v_out, '\m[a-z0-9._-]+ (at|arroba) [a-z0-9-]+( (dot|punto) [a-z]{2,})+\M', '[email]', 'gi');
  v_out := regexp_replace(v_out, '\+?\d([\s().-]*\d){4,}', '[number]', 'g');
  v_out := regexp_replace(v_out, '\m' || c_digit || '(\M[\s,-]+' || c_digit || '){4,}\M', '[number]', 'gi');
  foreach v_name in array coalesce(p_names, '{}') loop
    if length(v_name) >= 2 then
      v_out := regexp_replace(v_out, '\m' || regexp_replace(v_name, '([.^$*+?()\[\]{}|\\])', '\\\1', 'g') || '\M',
                              '[name]', 'gi');
    end if;
  end loop;
  return v_out;
end
$$;

-- Applies the business's retention mode to a call once it is analysed.
create or replace function public.apply_call_retention_mode(p_conversation_id uuid)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_mode text := (select retention_mode from public.automation_settings);
  v_names text[];
begin
  if v_mode = 'everything' then
    return v_mode;
  end if;
  if v_mode = 'basic' then
    delete from public.messages where conversation_id = p_conversation_id;
    update public.conversations
    set summary = null, state = '{}',
        analysis = jsonb_strip_nulls(jsonb_build_object('outcome', analysis -> 'outcome',
                     'sentiment', analysis -> 'sentiment', 'lead_score', analysis -> 'lead_score', 'mode', 'basic'))
    where id = p_conversation_id;
    return v_mode;
  end if;
  select array_remove(regexp_split_to_array(coalesce(cu.name, '') || ' ' || coalesce(c.analysis -> 'fields' ->> 'name', ''),
                                             '\s+'), '')
  into v_names
  from public.conversations as c left join public.customers as cu on cu.id = c.customer_id
  where c.id = p_conversation_id;
  update public.messages set content = public.mask_pii(content, v_names) where conversation_id = p_conversation_id;
  update public.conversations
  set summary = public.mask_pii(summary, v_names), state = '{}',
      analysis = (analysis - 'fields') || jsonb_build_object('summary', public.mask_pii(analysis ->> 'summary', v_names))
  where id = p_conversation_id;
  return v_mode;
end
$$;

create or replace function public.apply_retention_mode_after_analysis()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  perform public.apply_call_retention_mode(new.id);
  return null;
end
$$;

create trigger conversations_apply_retention_mode
  after update of analysed_at on public.conversations
  for each row when (old.analysed_at is null and new.analysed_at is not null)
  execute function public.apply_retention_mode_after_analysis();

-- What each nightly retention run removed (counts only).
create table public.retention_runs (
  id bigint generated always as identity primary key,
  ran_at timestamptz not null default now(),
  cutoff timestamptz not null,
  removed jsonb not null
);

alter table public.retention_runs enable row level security;
revoke all on public.retention_runs from anon, authenticated;
grant select on public.retention_runs to authenticated;
grant all on public.retention_runs to service_role;

create policy "Team members can read retention runs"
  on public.retention_runs for select to authenticated
  using ((select public.is_team_member()));

-- The retention period: transcripts, the agent's per-call memory and recordings (at Twilio,
-- through delete_recording jobs) of calls older than retention_days go; calls keep their
-- figures, so the rollups stay true. Finished jobs and old notifications go too. Each run's
-- counts are kept in retention_runs.
create or replace function public.apply_retention(p_now timestamptz default now())
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_days int := (select retention_days from public.automation_settings);
  v_cutoff timestamptz := p_now - v_days * interval '1 day';
  v_tz text := public.business_timezone();
  v_messages int;
  v_calls int;
  v_jobs int;
  v_notifications int;
  v_recordings int;
  v_result jsonb;
begin
  perform public.refresh_call_analytics(d.day)
  from (select distinct (c.started_at at time zone v_tz)::date as day
        from public.conversations as c
        where c.started_at < v_cutoff
          and exists (select 1 from public.messages as m where m.conversation_id = c.id)) as d
  where not exists (select 1 from public.call_analytics as a where a.day = d.day);

  delete from public.messages as m
  using public.conversations as c
  where m.conversation_id = c.id and c.started_at < v_cutoff;
  get diagnostics v_messages = row_count;

  update public.conversations set state = '{}'
  where started_at < v_cutoff and state <> '{}';
  get diagnostics v_calls = row_count;

  with old as (
    update public.call_recordings as r set delete_reason = 'retention'
    from public.conversations as c
    where r.conversation_id = c.id and c.started_at < v_cutoff and r.recording_sid is not null
      and r.status <> 'deleted' and r.delete_reason is null
    returning r.recording_sid
  )
  select count(public.enqueue_job('delete_recording', jsonb_build_object('recording_sid', recording_sid),
                                  'delete_recording:' || recording_sid, null, 8, 30))::int
  into v_recordings from old;

  delete from public.jobs where state = 'done' and finished_at < p_now - interval '14 days';
  get diagnostics v_jobs = row_count;

  delete from public.notifications where created_at < v_cutoff;
  get diagnostics v_notifications = row_count;

  v_result := jsonb_build_object('cutoff', v_cutoff, 'messages_deleted', v_messages, 'calls_cleared', v_calls,
                                 'recordings_deleted', v_recordings, 'jobs_deleted', v_jobs,
                                 'notifications_deleted', v_notifications);
  insert into public.retention_runs (ran_at, cutoff, removed) values (p_now, v_cutoff, v_result - 'cutoff');
  return v_result;
end
$$;

revoke all on function public.record_privacy_request(text, text) from public, anon, authenticated;
revoke all on function public.erase_customer(uuid, uuid) from public, anon;
revoke all on function public.mask_terms(text, text[]) from public, anon, authenticated;
revoke all on function public.decide_data_request(uuid, boolean) from public, anon;
revoke all on function public.export_customer(uuid) from public, anon;
revoke all on function public.mask_pii(text, text[]) from public, anon, authenticated;
revoke all on function public.apply_call_retention_mode(uuid) from public, anon, authenticated;
revoke all on function public.apply_retention_mode_after_analysis() from public, anon, authenticated;
grant execute on function public.record_privacy_request(text, text) to service_role;
grant execute on function public.erase_customer(uuid, uuid) to authenticated, service_role;
grant execute on function public.decide_data_request(uuid, boolean) to authenticated, service_role;
grant execute on function public.export_customer(uuid) to authenticated, service_role;
grant execute on function public.mask_pii(text, text[]) to service_role;
grant execute on function public.apply_call_retention_mode(uuid) to service_role;
