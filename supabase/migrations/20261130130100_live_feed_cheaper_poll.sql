-- The dashboard's poll for new transcript lines, cheap enough to run every 100 ms.
--
-- messages_committed_since() looked at each of the last p_window lines through xid8_near(), a
-- function with its own search_path (so never inlined: a settings save and restore per row),
-- 17 to 30 ms per poll on an idle local stack. (It also put an xid past the old snapshot's
-- xmax into the previous epoch, which from xid epoch 1 on would have made a line whose id was
-- drawn before that look, but whose transaction took its xid after it, look committed already.)
--
-- Now one cheap test per row, age(xmin) (the distance from this transaction's "next xid" N),
-- keeps only rows whose transaction is not older than the old snapshot's xmin; only those are
-- turned into full xids (N minus the age) and checked against that snapshot.

create or replace function public.messages_committed_since(p_max_id bigint, p_since pg_snapshot, p_window int default 2000)
  returns table (id bigint, conversation_id uuid, snapshot pg_snapshot)
  language sql
  stable
  set search_path = ''
as $$
  with snap as (
    select pg_catalog.pg_current_snapshot() as now_snap,
           pg_catalog.pg_snapshot_xmax(pg_catalog.pg_current_snapshot())::text::int8 as xmax8,
           -- age() counts back from N, fixed for the transaction; age of xid 3 gives N's low 32 bits.
           ((pg_catalog.age('3'::xid)::int8 + 3) % 4294967296 + 4294967296) % 4294967296 as n32
  ), n as (
    -- N as a full xid: within 2^31 of the current snapshot's xmax, in either direction.
    select s.now_snap,
           s.xmax8 + ((s.n32 - s.xmax8 % 4294967296 + 6442450944) % 4294967296 - 2147483648) as n8
    from snap as s
  ), found as (
    select m.id, m.conversation_id
    from public.messages as m, n
    where m.id > p_max_id - p_window
      and (m.id > p_max_id
           or (pg_catalog.age(m.xmin) <= n.n8 - pg_catalog.pg_snapshot_xmin(p_since)::text::int8
               and not pg_catalog.pg_visible_in_snapshot((n.n8 - pg_catalog.age(m.xmin))::text::xid8, p_since)))
  )
  select f.id, f.conversation_id, n.now_snap from found as f, n
  union all
  select null, null, n.now_snap from n where not exists (select 1 from found)
$$;

drop function if exists public.xid8_near(xid, pg_snapshot);

revoke all on function public.messages_committed_since(bigint, pg_snapshot, int) from public, anon, authenticated;
grant execute on function public.messages_committed_since(bigint, pg_snapshot, int) to service_role;
