-- Data rights (issue 16) over issue 17's per-customer tables: export_customer() includes the
-- customer's meetings and campaign leads, and erase_customer() removes them (and a meeting's
-- invite job). Both are main's latest definitions (20261130050905_data_rights_and_retention_modes)
-- with those additions only.

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
    'meetings', (select coalesce(jsonb_agg(jsonb_build_object('title', m.title, 'starts_at', m.starts_at,
                   'ends_at', m.ends_at, 'status', m.status, 'with', tm.name, 'provider', m.provider,
                   'attendee_name', m.attendee_name, 'attendee_email', m.attendee_email,
                   'attendee_phone', m.attendee_phone, 'created_at', m.created_at) order by m.starts_at), '[]')
                 from public.meetings as m left join public.team_members as tm on tm.user_id = m.team_member_id
                 where m.customer_id = p_customer_id or m.attendee_phone = v_customer.phone_number
                    or m.conversation_id in (select c.id from public.conversations as c where c.customer_id = p_customer_id)),
    'campaign_leads', (select coalesce(jsonb_agg(jsonb_build_object('campaign', ca.name, 'goal', ca.goal,
                         'phone_number', l.phone_number, 'name', l.name, 'language', l.language, 'status', l.status,
                         'attempts', l.attempts, 'last_attempt_at', l.last_attempt_at, 'answered_by', l.answered_by,
                         'outcome', l.outcome, 'added_at', l.created_at) order by l.created_at), '[]')
                       from public.campaign_leads as l join public.campaigns as ca on ca.id = l.campaign_id
                       where l.customer_id = p_customer_id or l.phone_number = v_customer.phone_number),
    'data_requests', (select coalesce(jsonb_agg(jsonb_build_object('kind', r.kind, 'status', r.status,
                        'created_at', r.created_at, 'decided_at', r.decided_at)), '[]')
                      from public.data_requests as r where r.customer_id = p_customer_id)
  );
  perform public.append_audit('customer.export', 'customers', p_customer_id::text, '{}');
  return v_doc;
end
$$;

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
  v_meetings uuid[];
  v_meetings_n int;
  v_leads int;
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
  -- Meetings booked for them (the row carries their name, email and number as the attendee).
  select coalesce(array_agg(id), '{}') into v_meetings from public.meetings
  where customer_id = p_customer_id or conversation_id = any (v_conversations)
     or attendee_phone = v_customer.phone_number
     or (v_customer.email is not null and attendee_email = lower(v_customer.email));

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
     or payload ->> 'task_id' = any (v_tasks::text[])
     or payload ->> 'meeting_id' = any (v_meetings::text[]);
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

  -- Their meetings go (an event already in the team's Google Calendar or Cal.com is the team's
  -- to remove there), and so do their places in campaigns (a lead that is gone is never dialled).
  delete from public.meetings where id = any (v_meetings);
  get diagnostics v_meetings_n = row_count;
  delete from public.campaign_leads
  where customer_id = p_customer_id or phone_number = v_customer.phone_number;
  get diagnostics v_leads = row_count;

  delete from public.scheduled_tasks where id = any (v_tasks);
  get diagnostics v_tasks_n = row_count;
  delete from public.conversations where id = any (v_conversations);
  get diagnostics v_calls = row_count;
  delete from public.customers where id = p_customer_id;

  v_result := jsonb_build_object('calls', v_calls, 'messages', v_messages, 'tasks', v_tasks_n,
    'recordings', v_recordings, 'jobs', v_jobs, 'notifications_deleted', v_notifications,
    'notifications_masked', v_masked, 'meetings', v_meetings_n, 'campaign_leads', v_leads);
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

revoke all on function public.erase_customer(uuid, uuid) from public, anon;
revoke all on function public.export_customer(uuid) from public, anon;
grant execute on function public.erase_customer(uuid, uuid) to authenticated, service_role;
grant execute on function public.export_customer(uuid) to authenticated, service_role;
