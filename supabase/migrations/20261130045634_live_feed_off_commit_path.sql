-- The dashboard's live feed, off the per-turn commit path.
--
-- A pg_notify in a transaction makes its commit take a cluster-wide lock until its WAL is
-- flushed, so a notify on every recorded turn serialised the turns' commits (BENCHMARKS.md).
-- Calls are now announced only when something a viewer sees about the call itself changes
-- (start, end, status, escalation, customer, outcome): a few times per call. New transcript lines
-- are found by the dashboard's hub with messages_committed_since(), polled only while someone
-- watches.

drop trigger messages_notify_call_event on public.messages;
drop trigger conversations_notify_call_event on public.conversations;

create or replace function public.notify_call_event()
  returns trigger
  language plpgsql
  set search_path = ''
as $$
declare
  v_kind text;
begin
  if tg_op = 'INSERT' then
    v_kind := 'call_started';
  elsif old.ended_at is null and new.ended_at is not null then
    v_kind := 'call_ended';
  else
    v_kind := 'call_updated';
  end if;
  perform pg_notify('call_events', jsonb_build_object('kind', v_kind, 'conversation_id', new.id)::text);
  return null;
end
$$;

create trigger conversations_notify_call_started
  after insert on public.conversations
  for each row execute function public.notify_call_event();

-- record_turn updates the conversation on every turn (state, last_turn, cost): those updates
-- must not notify, so the trigger fires only when a column the live views show changes.
create trigger conversations_notify_call_changed
  after update on public.conversations
  for each row
  when (old.ended_at is distinct from new.ended_at
        or old.status is distinct from new.status
        or old.escalated is distinct from new.escalated
        or old.customer_id is distinct from new.customer_id
        or old.outcome is distinct from new.outcome)
  execute function public.notify_call_event();

-- A 32-bit xid (a row's xmin) as the full xid8 of the epoch it belongs to, judged against a
-- snapshot taken after the row was written (xids wrap every 2^32).
create or replace function public.xid8_near(p_xid xid, p_snapshot pg_snapshot)
  returns xid8
  language sql
  immutable
  set search_path = ''
as $$
  select (case when v.candidate > v.top then v.candidate - 4294967296 else v.candidate end)::text::xid8
  from (
    select ((pg_snapshot_xmax(p_snapshot)::text::numeric / 4294967296)::int8 * 4294967296
            + p_xid::text::int8) as candidate,
           pg_snapshot_xmax(p_snapshot)::text::int8 as top
  ) as v
$$;

-- Transcript lines (ids and calls only) that committed after the snapshot `p_since`, which was
-- taken when `p_max_id` was the newest line seen. Ids are drawn before commit, so a line can
-- become visible after a higher id: anything at or below p_max_id that `p_since` could not see
-- still counts. Lines older than p_window ids are not looked at again. Every row carries this
-- statement's snapshot, the next call's `p_since`; with no new line one row of nulls carries it.
create or replace function public.messages_committed_since(p_max_id bigint, p_since pg_snapshot, p_window int default 2000)
  returns table (id bigint, conversation_id uuid, snapshot pg_snapshot)
  language sql
  stable
  set search_path = ''
as $$
  with found as (
    select m.id, m.conversation_id
    from public.messages as m
    where m.id > p_max_id - p_window
      and (m.id > p_max_id or not pg_visible_in_snapshot(public.xid8_near(m.xmin, p_since), p_since))
  )
  select f.id, f.conversation_id, pg_current_snapshot() from found as f
  union all
  select null, null, pg_current_snapshot() where not exists (select 1 from found)
$$;

revoke all on function public.notify_call_event() from public, anon, authenticated;
revoke all on function public.xid8_near(xid, pg_snapshot) from public, anon, authenticated;
revoke all on function public.messages_committed_since(bigint, pg_snapshot, int) from public, anon, authenticated;
grant execute on function public.messages_committed_since(bigint, pg_snapshot, int) to service_role;
