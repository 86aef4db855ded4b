-- The configured AI persona: what it says, when the business is open, which providers it uses.

-- {"mon": [["09:00", "18:00"]], ...}: lower-case three-letter days, zero-padded local times,
-- open before close; a missing day is closed.
create or replace function public.is_valid_weekly_hours(p_hours jsonb)
  returns boolean
  language plpgsql immutable
  set search_path = ''
as $$
declare
  v_day text;
  v_spans jsonb;
  v_span jsonb;
begin
  if jsonb_typeof(p_hours) is distinct from 'object' then
    return false;
  end if;
  for v_day, v_spans in select key, value from jsonb_each(p_hours) loop
    if v_day not in ('mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun') or jsonb_typeof(v_spans) <> 'array' then
      return false;
    end if;
    for v_span in select value from jsonb_array_elements(v_spans) loop
      if jsonb_typeof(v_span) <> 'array' then
        return false;
      end if;
      if jsonb_array_length(v_span) <> 2
        or coalesce(v_span ->> 0 !~ '^([01][0-9]|2[0-3]):[0-5][0-9]$', true)
        or coalesce(v_span ->> 1 !~ '^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$', true)
        or v_span ->> 0 >= v_span ->> 1
      then
        return false;
      end if;
    end loop;
  end loop;
  return true;
end
$$;

create table public.agent_configs (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  is_active boolean not null default false,
  business_name text not null,
  greeting text not null,
  returning_greeting text not null check (position('{name}' in returning_greeting) > 0),
  system_prompt text not null,
  voice text not null default 'Polly.Joanna-Neural',
  language text not null default 'en-US',
  timezone text not null,
  business_hours jsonb not null check (public.is_valid_weekly_hours(business_hours)),
  holidays date[] not null default '{}',
  hours_override text check (hours_override in ('open', 'closed')),
  providers text[] not null default '{local}',
  provider_settings jsonb not null default '{}' check (jsonb_typeof(provider_settings) = 'object'),
  turn_deadline_ms int not null default 4000 check (turn_deadline_ms between 500 and 12000),
  max_silence_prompts int not null default 2 check (max_silence_prompts >= 0),
  escalation_rules jsonb not null default '{}' check (jsonb_typeof(escalation_rules) = 'object'),
  default_transfer_user_id text references public.team_members (user_id),
  monthly_budget_usd numeric not null default 100 check (monthly_budget_usd >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index agent_configs_only_one_active on public.agent_configs (is_active) where is_active;

create trigger agent_configs_set_updated_at
  before update on public.agent_configs
  for each row execute function public.set_updated_at();

-- A check constraint may not read the catalog's time zone list, so a trigger does.
create or replace function public.check_agent_config_timezone()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
begin
  if not exists (select 1 from pg_catalog.pg_timezone_names where name = new.timezone) then
    raise exception 'invalid time zone'
      using errcode = '22023', detail = format('%L is not an IANA time zone name', new.timezone);
  end if;
  return new;
end
$$;

create trigger agent_configs_check_timezone
  before insert or update of timezone on public.agent_configs
  for each row execute function public.check_agent_config_timezone();

-- Whether the business is open at p_at: the override wins, then holidays, then the weekly hours,
-- all in the business's own time zone.
create or replace function public.is_within_business_hours(
  p_config public.agent_configs,
  p_at timestamptz default now()
)
  returns boolean
  language sql stable
  set search_path = ''
as $$
  with local_time as (
    select p_at at time zone p_config.timezone as at
  )
  select case p_config.hours_override
    when 'open' then true
    when 'closed' then false
    else
      not (l.at::date = any (p_config.holidays))
      and exists (
        select 1
        from jsonb_array_elements(coalesce(p_config.business_hours -> to_char(l.at, 'dy'), '[]')) as s(span)
        where to_char(l.at, 'HH24:MI') >= s.span ->> 0
          and to_char(l.at, 'HH24:MI') < s.span ->> 1
      )
  end
  from local_time as l
$$;

revoke all on function public.is_valid_weekly_hours(jsonb) from public, anon;
revoke all on function public.check_agent_config_timezone() from public, anon, authenticated;
revoke all on function public.is_within_business_hours(public.agent_configs, timestamptz) from public, anon;
grant execute on function public.is_valid_weekly_hours(jsonb) to authenticated, service_role;
grant execute on function public.is_within_business_hours(public.agent_configs, timestamptz) to authenticated, service_role;

alter table public.agent_configs enable row level security;

revoke all on public.agent_configs from anon, authenticated;
grant select, insert, update, delete on public.agent_configs to authenticated;
grant all on public.agent_configs to service_role;

create policy "Team members can read agent configs"
  on public.agent_configs for select to authenticated
  using ((select public.is_team_member()));

create policy "Team admins can add agent configs"
  on public.agent_configs for insert to authenticated
  with check ((select public.is_team_admin()));

create policy "Team admins can update agent configs"
  on public.agent_configs for update to authenticated
  using ((select public.is_team_admin()))
  with check ((select public.is_team_admin()));

create policy "Team admins can delete agent configs"
  on public.agent_configs for delete to authenticated
  using ((select public.is_team_admin()));
