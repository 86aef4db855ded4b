-- Satisfaction by text message: after a completed inbound call (when the business opts in, and
-- never to a number on the do-not-call list), a text asks the caller to rate the call 1 to 5; the
-- signed Twilio Messaging webhook stores the reply on the survey and on the call.

alter table public.automation_settings
  add column satisfaction_sms boolean not null default false;

create table public.satisfaction_surveys (
  conversation_id uuid primary key references public.conversations on delete cascade,
  phone_number text not null check (public.is_e164(phone_number)),
  -- Twilio's Message SID once the question went out.
  message_sid text,
  sent_at timestamptz,
  score int check (score between 1 and 5),
  answered_at timestamptz,
  created_at timestamptz not null default now()
);

create index satisfaction_surveys_open_idx on public.satisfaction_surveys (phone_number, sent_at desc)
  where score is null;

alter table public.satisfaction_surveys enable row level security;
revoke all on public.satisfaction_surveys from anon, authenticated;
grant select on public.satisfaction_surveys to authenticated;
grant all on public.satisfaction_surveys to service_role;

create policy "Team members can read satisfaction surveys"
  on public.satisfaction_surveys for select to authenticated
  using ((select public.is_team_member()));

-- Whether a number may get the survey text: not on the do-not-call list (where that list exists).
create or replace function public.may_text(p_phone text)
  returns boolean
  language plpgsql
  stable
  security definer
  set search_path = ''
as $$
begin
  if to_regclass('public.do_not_call') is not null then
    return not exists (select 1 from public.do_not_call where phone_key = public.phone_key(p_phone));
  end if;
  return true;
end
$$;

create or replace function public.enqueue_satisfaction_survey()
  returns trigger
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if new.direction = 'inbound' and new.status = 'completed' and public.is_e164(new.from_number)
     and (select satisfaction_sms from public.automation_settings)
     and public.may_text(new.from_number) then
    insert into public.satisfaction_surveys (conversation_id, phone_number)
    values (new.id, new.from_number) on conflict do nothing;
    if found then
      perform public.enqueue_job('satisfaction_sms', jsonb_build_object('conversation_id', new.id),
                                 'satisfaction_sms:' || new.id, now() + interval '1 minute');
    end if;
  end if;
  return null;
end
$$;

create trigger conversations_enqueue_satisfaction_survey
  after update of ended_at on public.conversations
  for each row when (old.ended_at is null and new.ended_at is not null)
  execute function public.enqueue_satisfaction_survey();

-- The job: the survey to send (null when it was sent already or the number may no longer be texted).
create or replace function public.satisfaction_survey_to_send(p_conversation_id uuid)
  returns public.satisfaction_surveys
  language sql
  stable
  security definer
  set search_path = ''
as $$
  select s.* from public.satisfaction_surveys s
  where s.conversation_id = p_conversation_id and s.sent_at is null and public.may_text(s.phone_number)
$$;

create or replace function public.mark_satisfaction_survey_sent(p_conversation_id uuid, p_message_sid text)
  returns void
  language sql
  security definer
  set search_path = ''
as $$
  update public.satisfaction_surveys set message_sid = p_message_sid, sent_at = now()
  where conversation_id = p_conversation_id and sent_at is null
$$;

-- A reply from a number: the rating of its latest survey asked in the last 3 days and not yet
-- answered. Returns the call it rated, or null when the text is not a rating of an open survey
-- (such texts are ignored, not stored).
create or replace function public.record_satisfaction_reply(p_from text, p_body text)
  returns uuid
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_score int;
  v_conversation uuid;
begin
  -- "5", "5!", "4 stars", "I'd say 3": the one digit 1-5 standing alone in a short reply.
  if length(p_body) > 40 or p_body !~ '(^|[^0-9])[1-5]([^0-9]|$)' or p_body ~ '[0-9].*[^0-9][0-9]' then
    return null;
  end if;
  v_score := substring(p_body from '(?:^|[^0-9])([1-5])(?:[^0-9]|$)')::int;
  update public.satisfaction_surveys s set score = v_score, answered_at = now()
  where s.conversation_id = (
    select conversation_id from public.satisfaction_surveys
    where phone_number = p_from and score is null and sent_at > now() - interval '3 days'
    order by sent_at desc limit 1
  )
  returning s.conversation_id into v_conversation;
  if v_conversation is not null then
    update public.conversations set satisfaction_score = v_score where id = v_conversation;
  end if;
  return v_conversation;
end
$$;

revoke all on function public.may_text(text) from public, anon, authenticated;
revoke all on function public.enqueue_satisfaction_survey() from public, anon, authenticated;
revoke all on function public.satisfaction_survey_to_send(uuid) from public, anon, authenticated;
revoke all on function public.mark_satisfaction_survey_sent(uuid, text) from public, anon, authenticated;
revoke all on function public.record_satisfaction_reply(text, text) from public, anon, authenticated;
grant execute on function public.satisfaction_survey_to_send(uuid) to service_role;
grant execute on function public.mark_satisfaction_survey_sent(uuid, text) to service_role;
grant execute on function public.record_satisfaction_reply(text, text) to service_role;
