-- The monthly AI budget, enforced. One function decides whether the month's AI spend has reached
-- the budget; every path that would pay a provider (turns in every voice mode, call analysis)
-- asks it and runs offline when it says so. The first time it finds the budget spent in a month,
-- the admins are told (one notification per month, whichever caller asked first).

-- The month's AI spend (calls started this calendar month in the business's time zone) against
-- a config's monthly budget (default the active config's). A budget of 0 allows no AI spend.
create or replace function public.ai_budget_status(p_agent_config_id uuid default null, p_at timestamptz default now())
  returns jsonb
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_zone text := public.business_timezone();
  v_month date := date_trunc('month', p_at at time zone v_zone)::date;
  v_from timestamptz := v_month::timestamp at time zone v_zone;
  v_budget numeric;
  v_spent numeric;
  v_exhausted boolean;
begin
  select c.monthly_budget_usd into v_budget
  from public.agent_configs as c
  where c.id = p_agent_config_id or (p_agent_config_id is null and c.is_active)
  order by c.id = p_agent_config_id desc nulls last
  limit 1;
  select coalesce(sum(c.cost_usd), 0) into v_spent
  from public.conversations as c
  where c.started_at >= v_from and c.started_at <= p_at;
  v_exhausted := v_budget is not null and v_spent >= v_budget;
  if v_exhausted then
    perform public.enqueue_job('notify', jsonb_build_object('kind', 'alert', 'alert', 'monthly_budget',
      'cost_usd', round(v_spent, 2), 'budget_usd', v_budget, 'month', to_char(v_month, 'YYYY-MM')),
      'notify:alert:monthly_budget:' || to_char(v_month, 'YYYY-MM'));
  end if;
  return jsonb_build_object('month', to_char(v_month, 'YYYY-MM'), 'spent_usd', v_spent, 'budget_usd', v_budget,
                            'exhausted', coalesce(v_exhausted, false));
end
$$;

revoke all on function public.ai_budget_status(uuid, timestamptz) from public, anon, authenticated;
grant execute on function public.ai_budget_status(uuid, timestamptz) to service_role;
