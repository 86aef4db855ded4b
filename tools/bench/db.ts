/** What the bench reads from and removes from the stack's database: only its own callers' rows. */
import type { Sql } from 'postgres';
import { BENCH_NUMBER_PREFIX } from './load.ts';

/** Messages stored for these calls, and how many of their turns were stored twice. */
export async function storedMessages(sql: Sql, callSids: string[]): Promise<{ messages: number; doubled: number }> {
  const [row] = await sql<{ messages: number; doubled: number }[]>`
    select count(*)::int as messages,
           (count(*) - count(distinct (m.conversation_id, m.turn, m.role)))::int as doubled
    from messages m join conversations c on c.id = m.conversation_id
    where c.call_sid = any(${callSids})`;
  return row!;
}

/** Conversations (with their messages and tasks) and customers of the bench's callers. */
export function removeBenchCalls(sql: Sql): Promise<void> {
  return removeCallers(sql, BENCH_NUMBER_PREFIX);
}

/** Removes every conversation, task, queued job and customer of callers under a number prefix. */
export async function removeCallers(sql: Sql, prefix: string): Promise<void> {
  const like = `${prefix}%`;
  await sql.begin(async (tx) => {
    // Jobs the calls' triggers queued (analysis, notifications, CRM) would fail once their rows are gone.
    await tx`delete from jobs where payload ->> 'conversation_id' in (select id::text from conversations where from_number like ${like})
      or payload ->> 'customer_id' in (select id::text from customers where phone_number like ${like})
      or payload ->> 'task_id' in (select id::text from scheduled_tasks where phone_number like ${like})`;
    await tx`delete from scheduled_tasks where phone_number like ${like}
      or conversation_id in (select id from conversations where from_number like ${like})`;
    await tx`delete from conversations where from_number like ${like}`;
    await tx`delete from customers where phone_number like ${like}`;
  });
}
