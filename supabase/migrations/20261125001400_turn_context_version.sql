-- A turn needs the call's agent config and the team, which change rarely, beside the parts that
-- change every turn. A functions process keeps the config and team it last read with their
-- version and asks for them again only when the version has changed: building them as JSON was
-- most of load_turn_context's cost.

-- The version of a call's agent config and of the active team: any edit to either changes it.
create or replace function public.turn_config_version(p_agent_config_id uuid)
  returns text
  language sql stable
  set search_path = ''
as $$
  select c.id::text || '@' || c.updated_at::text || '/' || coalesce((
    select md5(string_agg(t.user_id || '@' || t.updated_at::text, ',' order by t.user_id))
    from public.team_members as t where t.active), '')
  from public.agent_configs as c
  where c.id = p_agent_config_id or (p_agent_config_id is null and c.is_active)
$$;

-- load_turn_context plus `config_version`; `config` and `team` only when p_known_version differs.
create or replace function public.load_turn_context(p_call_sid text, p_known_version text)
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_conversation public.conversations;
  v_version text;
  v_customer public.customers;
begin
  select * into v_conversation from public.conversations where call_sid = p_call_sid;
  if not found then
    raise exception 'unknown call' using errcode = 'P0002';
  end if;
  v_version := public.turn_config_version(v_conversation.agent_config_id);
  if v_version is distinct from p_known_version then
    return public.load_turn_context(p_call_sid) || jsonb_build_object('config_version', v_version);
  end if;
  select * into v_customer from public.customers where id = v_conversation.customer_id;
  return jsonb_build_object(
    'config_version', v_version,
    'customer', case when v_customer.id is not null then to_jsonb(v_customer) end,
    'conversation', to_jsonb(v_conversation),
    'history', public.call_history(v_conversation.id)
  );
end
$$;

revoke all on function public.turn_config_version(uuid) from public, anon, authenticated;
revoke all on function public.load_turn_context(text, text) from public, anon, authenticated;
grant execute on function public.load_turn_context(text, text) to service_role;
