-- A gathered turn is stored only if it commits before the caller is answered without it.
--
-- The turn webhook answers within a hard deadline. If the answer is still being stored when the
-- deadline passes, the caller hears the fallback instead; a record_turn that then commits anyway
-- would leave a reply on the call's record that nobody heard. record_turn_before() takes the
-- moment by which the webhook must answer: waits for locks end there (lock_timeout), and a turn
-- that finished after it is rolled back, so the fallback's held turn is what the record keeps.

create or replace function public.record_turn_before(
  p_answer_by timestamptz,
  p_call_sid text,
  p_turn int,
  p_input jsonb,
  p_reply text,
  p_meta jsonb,
  p_state jsonb,
  p_actions jsonb
)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_left_ms int := floor(extract(epoch from (p_answer_by - clock_timestamp())) * 1000);
  v_recorded jsonb;
begin
  if p_answer_by is null then
    raise exception 'answer_by is required' using errcode = '22023';
  end if;
  if v_left_ms < 1 then
    raise exception 'turn answered without it' using errcode = 'P0001', detail = 'past the webhook deadline before storing';
  end if;
  -- Local to this statement's transaction; read when a lock wait begins.
  perform set_config('lock_timeout', v_left_ms || 'ms', true);
  v_recorded := public.record_turn(p_call_sid, p_turn, p_input, p_reply, p_meta, p_state, p_actions);
  if clock_timestamp() > p_answer_by then
    raise exception 'turn answered without it' using errcode = 'P0001', detail = 'stored past the webhook deadline';
  end if;
  return v_recorded;
end;
$$;

revoke all on function public.record_turn_before(timestamptz, text, int, jsonb, text, jsonb, jsonb, jsonb)
  from public, anon, authenticated;
grant execute on function public.record_turn_before(timestamptz, text, int, jsonb, text, jsonb, jsonb, jsonb)
  to service_role;
