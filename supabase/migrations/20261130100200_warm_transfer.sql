-- Warm transfer: before the caller is connected, the team member hears a whisper (who is
-- calling, why, the lead's key facts) and presses 1 to take the call. Anything else (another
-- key, silence, hanging up) is a transfer that did not connect, handled as one: the agent takes
-- the caller back and books a callback.

alter table public.conversations
  add column transfer_whisper text check (transfer_whisper in ('pending', 'accepted', 'declined'));

-- The whisper's facts for the member answering the transfer of call p_call_sid (marks it pending).
create or replace function public.transfer_whisper_context(p_call_sid text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_customer public.customers;
  v_transfer jsonb;
begin
  update public.conversations set transfer_whisper = coalesce(transfer_whisper, 'pending')
  where call_sid = p_call_sid
  returning * into v_conversation;
  if not found then
    return null;
  end if;
  select * into v_customer from public.customers where id = v_conversation.customer_id;
  select m.actions -> 'transfer' into v_transfer from public.messages as m
  where m.conversation_id = v_conversation.id and m.actions ? 'transfer'
  order by m.turn desc limit 1;
  return jsonb_build_object(
    'name', v_customer.name, 'company', v_customer.company, 'need', v_customer.need,
    'timeline', v_customer.timeline, 'lead_score', v_customer.lead_score, 'lead_status', v_customer.lead_status,
    'returning', coalesce(v_customer.call_count, 0) > 1,
    'topic', v_transfer ->> 'topic', 'reason', v_transfer ->> 'reason',
    'last_said', (select left(m.content, 200) from public.messages as m
                  where m.conversation_id = v_conversation.id and m.role = 'caller' and m.kind = 'speech'
                  order by m.turn desc limit 1),
    'business_name', (public.call_config(v_conversation.agent_config_id)).business_name);
end
$$;

-- The member's answer to the whisper: accepted (pressed 1) or declined (anything else).
create or replace function public.record_transfer_answer(p_call_sid text, p_accepted boolean)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_state text;
begin
  update public.conversations
  set transfer_whisper = case when p_accepted then 'accepted' else 'declined' end
  where call_sid = p_call_sid and transfer_whisper is distinct from 'accepted'
  returning transfer_whisper into v_state;
  return v_state;
end
$$;

-- The <Dial> action of a warm transfer: a leg that ended "completed" without the member taking
-- the call after hearing the whisper counts as not answered (a transfer without a whisper, the
-- fallback path's, is left as Twilio reports it). Stores the result (record_dial_result) and says it.
create or replace function public.record_warm_dial_result(p_call_sid text, p_dial_status text, p_dial_duration int)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_whisper text;
  v_status text := p_dial_status;
begin
  select transfer_whisper into v_whisper from public.conversations where call_sid = p_call_sid for update;
  if p_dial_status in ('completed', 'answered') and v_whisper in ('pending', 'declined') then
    v_status := 'no-answer';
  end if;
  return public.record_dial_result(p_call_sid, v_status, p_dial_duration)
    || jsonb_build_object('whisper', coalesce(v_whisper, 'none'));
end
$$;

revoke all on function public.transfer_whisper_context(text) from public, anon, authenticated;
revoke all on function public.record_transfer_answer(text, boolean) from public, anon, authenticated;
revoke all on function public.record_warm_dial_result(text, text, int) from public, anon, authenticated;
grant execute on function public.transfer_whisper_context(text) to service_role;
grant execute on function public.record_transfer_answer(text, boolean) to service_role;
grant execute on function public.record_warm_dial_result(text, text, int) to service_role;
