/** The history's clock: a call placed now is moved, with everything it left, to its planned time. */
import type { Sql } from 'postgres';

/** Move a call's rows by (its start - at); returns its outcome. The call must have ended. */
export async function moveCallTo(sql: Sql, conversationId: string, at: Date): Promise<string> {
  // The status callback closes the call; wait briefly for it so ended_at moves too.
  for (let i = 0; i < 50; i++) {
    const [c] = await sql<{ ended: boolean }[]>`select ended_at is not null as ended from public.conversations where id = ${conversationId}`;
    if (c?.ended) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return sql.begin(async (tx) => {
    const [c] = await tx<{ shift: string; customer_id: string | null; outcome: string | null }[]>`
      select (started_at - ${at}::timestamptz)::text as shift, customer_id, outcome
      from public.conversations where id = ${conversationId} for update`;
    const shift = c.shift;
    await tx`update public.conversations set started_at = started_at - ${shift}::interval, ended_at = ended_at - ${shift}::interval,
      created_at = created_at - ${shift}::interval where id = ${conversationId}`;
    await tx`update public.messages set created_at = created_at - ${shift}::interval where conversation_id = ${conversationId}`;
    await tx`update public.scheduled_tasks set created_at = created_at - ${shift}::interval, scheduled_for = scheduled_for - ${shift}::interval
      where conversation_id = ${conversationId}`;
    await tx`update public.notifications set created_at = created_at - ${shift}::interval where conversation_id = ${conversationId}`;
    if (c.customer_id) {
      await tx`update public.customers set created_at = least(created_at, created_at - ${shift}::interval),
        last_call_at = last_call_at - ${shift}::interval where id = ${c.customer_id}`;
    }
    return c.outcome ?? 'open';
  });
}

/** Recompute the analytics rollup of these business-local days. */
export async function refreshDays(sql: Sql, days: string[]): Promise<void> {
  for (const day of days) await sql`select public.refresh_call_analytics(${day}::date)`;
}

/** Delete every call, task and customer of the history's callers; returns how many calls went. */
export async function removeHistory(sql: Sql, prefix: string): Promise<number> {
  return sql.begin(async (tx) => {
    const like = `${prefix}%`;
    await tx`delete from public.scheduled_tasks where phone_number like ${like}
      or customer_id in (select id from public.customers where phone_number like ${like})`;
    const gone = await tx`delete from public.conversations where from_number like ${like} returning id`;
    await tx`delete from public.customers where phone_number like ${like}`;
    return gone.length;
  });
}
