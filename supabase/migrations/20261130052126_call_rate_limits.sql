-- Abuse limits on new calls, in Postgres (Upstash, when configured, is used instead; without it
-- the limits still hold). Only the start of a call is limited: a call in progress (its turns,
-- its status callbacks, a retried webhook of it) is never refused, so a caller who spoofs a
-- victim's number can use up that number's new-call allowance but cannot hang up its live call.
--
-- Sliding windows approximated as Upstash does: this window's hits plus the previous window's,
-- weighted by how much of it still overlaps. Rows are hits per key per window; old ones are
-- removed by pg_cron.

create table public.rate_limit_windows (
  key text not null,
  window_start timestamptz not null,
  hits int not null default 0 check (hits >= 0),
  primary key (key, window_start)
);

-- Not for any API role: only the functions below (security definer) read and write it.
alter table public.rate_limit_windows enable row level security;
revoke all on public.rate_limit_windows from public, anon, authenticated;

-- Counts one hit on p_key; true when it is within p_limit per p_seconds.
create or replace function public.rate_limit_take(p_key text, p_limit int, p_seconds int)
  returns boolean
  language plpgsql
  security definer
  set search_path = ''
as $$
declare
  v_now timestamptz := clock_timestamp();
  v_window timestamptz;
  v_current int;
  v_previous int;
begin
  if p_limit < 1 or p_seconds < 1 then
    raise exception 'invalid rate limit' using errcode = '22023', detail = 'limit and seconds must be positive';
  end if;
  v_window := to_timestamp(floor(extract(epoch from v_now) / p_seconds) * p_seconds);
  insert into public.rate_limit_windows as w (key, window_start, hits)
  values (p_key, v_window, 1)
  on conflict (key, window_start) do update set hits = w.hits + 1
  returning hits into v_current;
  select hits into v_previous from public.rate_limit_windows
  where key = p_key and window_start = v_window - make_interval(secs => p_seconds);
  return coalesce(v_previous, 0) * (1 - extract(epoch from v_now - v_window) / p_seconds) + v_current <= p_limit;
end
$$;

-- Whether a new call may start: null when it may, else which limit refused it ('caller' or
-- 'source'). A CallSid already stored is a call in progress (or Twilio retrying its start): it
-- goes on and counts against nothing. p_source null: the request came through no proxy.
create or replace function public.call_start_refusal(
  p_call_sid text,
  p_caller text,
  p_source text,
  p_caller_limit int,
  p_caller_seconds int,
  p_source_limit int,
  p_source_seconds int
)
  returns text
  language plpgsql
  security definer
  set search_path = ''
as $$
begin
  if exists (select 1 from public.conversations where call_sid = p_call_sid) then
    return null;
  end if;
  if not public.rate_limit_take('caller:' || coalesce(nullif(p_caller, ''), 'unknown'), p_caller_limit, p_caller_seconds) then
    return 'caller';
  end if;
  -- No source (no proxy in front, as on the local stack): nothing to count it by.
  if nullif(p_source, '') is not null
     and not public.rate_limit_take('source:' || p_source, p_source_limit, p_source_seconds) then
    return 'source';
  end if;
  return null;
end
$$;

create or replace function public.prune_rate_limit_windows()
  returns int
  language sql
  security definer
  set search_path = ''
as $$
  with gone as (
    delete from public.rate_limit_windows where window_start < now() - interval '1 day' returning 1
  )
  select count(*)::int from gone
$$;

revoke all on function public.rate_limit_take(text, int, int) from public, anon, authenticated;
revoke all on function public.call_start_refusal(text, text, text, int, int, int, int) from public, anon, authenticated;
revoke all on function public.prune_rate_limit_windows() from public, anon, authenticated;
grant execute on function public.call_start_refusal(text, text, text, int, int, int, int) to service_role;

select cron.schedule('rate-limit-prune', '17 * * * *', $$select public.prune_rate_limit_windows()$$);
