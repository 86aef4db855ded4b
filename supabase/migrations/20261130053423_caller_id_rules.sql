-- Caller ID is not identity, and the business's number is not the caller's to aim.
--
-- 1. A number a caller says never links the call to, or changes, an existing customer: a caller
--    with a withheld number who says someone else's number would otherwise take over that record.
--    What they said stays on this call (its turns and state); the call is flagged with the
--    customer it named and the team is told.
-- 2. Callbacks go to the caller's own number by default. Another number only in the business's
--    own country, not premium-rate, and at most a few a day per calling number: otherwise the
--    business's trusted number becomes a tool for harassment or toll fraud. A refused number
--    falls back to the caller's own (or none, for a withheld caller), and the task says why.

alter table public.conversations
  add column claimed_customer_id uuid references public.customers on delete set null;

comment on column public.conversations.claimed_customer_id is
  'A caller with no caller ID said the number of this existing customer; the customer was not linked or changed.';

-- The ITU country calling code of an E.164 number. Country codes are prefix-free: 1 and 7 have
-- one digit, the ones listed two, every other three.
create or replace function public.country_calling_code(p_e164 text)
  returns text
  language sql immutable
  set search_path = ''
as $$
  select case
    when p_e164 is null or p_e164 !~ '^\+[1-9][0-9]{6,14}$' then null
    when substr(p_e164, 2, 1) in ('1', '7') then substr(p_e164, 2, 1)
    when substr(p_e164, 2, 2) = any (array['20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43',
      '44', '45', '46', '47', '48', '49', '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63',
      '64', '65', '66', '81', '82', '84', '86', '90', '91', '92', '93', '94', '95', '98']) then substr(p_e164, 2, 2)
    else substr(p_e164, 2, 3)
  end
$$;

-- The "country" for callbacks: the calling code, except that +1 is split, because the Caribbean
-- members of the North American plan are other countries (and the usual toll-fraud targets).
create or replace function public.callback_country(p_e164 text)
  returns text
  language sql immutable
  set search_path = ''
as $$
  select case
    when public.country_calling_code(p_e164) is distinct from '1' then public.country_calling_code(p_e164)
    when substr(p_e164, 3, 3) = any (array['242', '246', '264', '268', '284', '345', '441', '473', '649', '658',
      '664', '721', '758', '767', '784', '809', '829', '849', '868', '869', '876']) then '1-' || substr(p_e164, 3, 3)
    else '1'
  end
$$;

-- Premium-rate (and similar caller-pays-more) ranges of the countries most teams call.
create or replace function public.is_premium_rate(p_e164 text)
  returns boolean
  language sql immutable
  set search_path = ''
as $$
  select p_e164 ~ '^\+1(900|976)' or p_e164 ~ '^\+1[2-9][0-9]{2}976' -- North America: 900 and the 976 exchange
      or p_e164 ~ '^\+44(9|87|70)'                                   -- UK: 09, 087, 070 personal numbers
      or p_e164 ~ '^\+49(900|137)'                                   -- Germany: 0900, 0137
      or p_e164 ~ '^\+33(89|836)'                                    -- France: 089, 0836
      or p_e164 ~ '^\+61(190)'                                       -- Australia: 190
      or p_e164 ~ '^\+34(80[36]|90[57])'                             -- Spain: 803/806/807, 905/907
$$;

-- Why a callback may not go to p_number, or null when it may. p_own is the caller's own number
-- (always allowed); p_business the number they called; p_calling the From of the booking call,
-- whose other-number callbacks are counted (withheld callers share one count).
create or replace function public.callback_number_refusal(
  p_number text,
  p_own text,
  p_business text,
  p_calling text,
  p_conversation_id uuid
)
  returns text
  language plpgsql stable
  set search_path = ''
as $$
begin
  if p_number is null or p_number = p_own then
    return null;
  end if;
  if public.callback_country(p_number) is distinct from public.callback_country(p_business) then
    return 'another country';
  end if;
  if public.is_premium_rate(p_number) then
    return 'premium rate';
  end if;
  if (select count(*) from public.scheduled_tasks as t
      join public.conversations as c on c.id = t.conversation_id
      where t.task_type = 'callback' and t.created_at > now() - interval '1 day'
        and c.from_number = p_calling and c.id <> p_conversation_id
        and t.phone_number is distinct from public.callable_number(c.from_number)) >= 3 then
    return 'too many other-number callbacks today';
  end if;
  return null;
end
$$;

-- Merges lead fields into the call's customer (never a second row) and returns its id. A caller
-- with a withheld number becomes a customer once they give a number that is nobody's yet; a
-- number that is an existing customer's flags the call instead (see the top of this file).
create or replace function public.apply_lead(p_conversation public.conversations, p_lead jsonb)
  returns uuid
  language plpgsql
  set search_path = ''
as $$
declare
  v_customer_id uuid := p_conversation.customer_id;
  v_email text := lower(nullif(btrim(p_lead ->> 'email'), ''));
  v_phone text := public.callable_number(regexp_replace(p_lead ->> 'phone', '[^0-9+]', '', 'g'));
  v_claimed uuid;
begin
  if v_email !~ '^[^@\s]+@[^@\s]+\.[^@\s]+$' then
    v_email := null;
  end if;
  if v_customer_id is null then
    if v_phone is null then
      return null;
    end if;
    select id into v_claimed from public.customers where phone_number = v_phone;
    if found then
      if p_conversation.claimed_customer_id is distinct from v_claimed then
        update public.conversations set claimed_customer_id = v_claimed where id = p_conversation.id;
        perform public.enqueue_job('notify', jsonb_build_object('kind', 'alert', 'alert', 'claimed_number',
          'conversation_id', p_conversation.id, 'customer_id', v_claimed),
          'notify:alert:claimed_number:' || p_conversation.id);
      end if;
      return null;
    end if;
    v_customer_id := public.record_caller(v_phone);
    update public.conversations set customer_id = v_customer_id where id = p_conversation.id;
  end if;

  update public.customers as c set
    name = coalesce(nullif(btrim(p_lead ->> 'name'), ''), c.name),
    company = coalesce(nullif(btrim(p_lead ->> 'company'), ''), c.company),
    email = coalesce(v_email, c.email),
    need = coalesce(nullif(btrim(p_lead ->> 'need'), ''), c.need),
    timeline = coalesce(nullif(btrim(p_lead ->> 'timeline'), ''), c.timeline),
    -- A second number for a known caller: the team should see it, caller ID stays the key.
    notes = case
      when v_phone is null or v_phone = c.phone_number or strpos(coalesce(c.notes, ''), v_phone) > 0 then c.notes
      else concat_ws(E'\n', c.notes, 'Also reachable at ' || v_phone)
    end
  where c.id = v_customer_id;
  return v_customer_id;
end
$$;

-- Books the call's callback; a second one in the same call moves the first. Returns the task.
-- (Issue 12's version, with its topic and named person, plus the number rules above: the number
-- is the caller's own unless callback_number_refusal allows the one they said.)
create or replace function public.apply_callback(
  p_conversation_id uuid,
  p_customer_id uuid,
  p_callback jsonb,
  p_fallback_phone text,
  p_default_assignee text
)
  returns jsonb
  language plpgsql
  set search_path = ''
as $$
declare
  v_at timestamptz := public.parse_callback_time(p_callback ->> 'at');
  v_conversation public.conversations;
  v_said text := public.callable_number(regexp_replace(p_callback ->> 'phone', '[^0-9+]', '', 'g'));
  v_refusal text;
  v_phone text;
  v_notes text := nullif(btrim(p_callback ->> 'notes'), '');
  v_topic text := nullif(btrim(p_callback ->> 'topic'), '');
  v_assignee text := public.task_assignee(p_callback ->> 'user_id', v_topic, p_default_assignee);
  v_task public.scheduled_tasks;
begin
  if v_at is null then
    raise exception 'invalid callback time' using errcode = '22007', detail = format('%L', p_callback ->> 'at');
  end if;
  select * into v_conversation from public.conversations where id = p_conversation_id;
  v_refusal := public.callback_number_refusal(v_said, p_fallback_phone,
    case v_conversation.direction when 'inbound' then v_conversation.to_number else v_conversation.from_number end,
    case v_conversation.direction when 'inbound' then v_conversation.from_number else v_conversation.to_number end,
    p_conversation_id);
  v_phone := case when v_refusal is null then coalesce(v_said, p_fallback_phone) else p_fallback_phone end;
  if v_refusal is not null then
    v_notes := concat_ws(E'\n', v_notes, 'The caller asked to be called at another number; refused (' || v_refusal ||
      '). Their own number is used' || case when p_fallback_phone is null then ', but they withheld it.' else '.' end);
  end if;
  insert into public.scheduled_tasks as t
    (customer_id, conversation_id, task_type, scheduled_for, phone_number, notes, assigned_to, topic)
  values (p_customer_id, p_conversation_id, 'callback', v_at, v_phone, v_notes, v_assignee, v_topic)
  on conflict (conversation_id) where task_type = 'callback' and status = 'pending'
  do update set
    scheduled_for = excluded.scheduled_for,
    phone_number = excluded.phone_number,
    notes = coalesce(excluded.notes, t.notes),
    customer_id = coalesce(excluded.customer_id, t.customer_id),
    topic = coalesce(excluded.topic, t.topic),
    -- Only a named person or a topic moves it; a bare re-booking keeps who was promised.
    assigned_to = case
      when excluded.topic is not null or p_callback ->> 'user_id' is not null then excluded.assigned_to
      else t.assigned_to
    end
  returning * into v_task;
  return public.task_summary(v_task);
end
$$;

revoke all on function public.country_calling_code(text) from public, anon, authenticated;
revoke all on function public.callback_country(text) from public, anon, authenticated;
revoke all on function public.is_premium_rate(text) from public, anon, authenticated;
revoke all on function public.callback_number_refusal(text, text, text, text, uuid) from public, anon, authenticated;
revoke all on function public.apply_lead(public.conversations, jsonb) from public, anon, authenticated;
revoke all on function public.apply_callback(uuid, uuid, jsonb, text, text) from public, anon, authenticated;
