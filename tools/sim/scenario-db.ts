import type { Sql } from 'postgres';
import type { DbFacts } from './expectations.ts';
import type { Scenario } from './scenario-file.ts';

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/** Raised before anything is deleted from a database that is not the local stack's. */
export class UnsafeDatabaseError extends Error {
  override name = 'UnsafeDatabaseError';
}

/**
 * Refuses unless the URL points at this machine and is the database the local stack reports
 * (compared after parsing, localhost and 127.0.0.1 being the same host).
 */
export function assertLocalDatabase(dbUrl: string, stackDbUrls: string[]): void {
  let url: URL;
  try {
    url = new URL(dbUrl);
  } catch {
    throw new UnsafeDatabaseError('the database URL is not a URL');
  }
  if (!LOCAL_HOSTS.has(url.hostname)) throw new UnsafeDatabaseError(`refusing to touch a database on ${url.hostname}: only the local stack's`);
  const key = sameDatabaseKey(dbUrl);
  if (!stackDbUrls.some((reported) => sameDatabaseKey(reported) === key)) {
    throw new UnsafeDatabaseError(`refusing to touch ${url.host}${url.pathname}: it is not the database the local stack reports`);
  }
}

function sameDatabaseKey(dbUrl: string): string {
  try {
    const url = new URL(dbUrl);
    const host = LOCAL_HOSTS.has(url.hostname) ? 'local' : url.hostname;
    return `${host}:${url.port || '5432'}${url.pathname || '/'}@${url.username}`;
  } catch {
    return `unparsable:${dbUrl}`;
  }
}

/** Deletes what the database holds for a caller: customer (its conversations, messages and tasks cascade) and their calls. */
export async function resetCaller(sql: Sql, phone: string): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`delete from scheduled_tasks where phone_number = ${phone}`;
    await tx`delete from meetings where attendee_phone = ${phone}`;
    await tx`delete from conversations where from_number = ${phone}`;
    await tx`delete from customers where phone_number = ${phone}`;
  });
}

/**
 * Sets the scenario's business-hours override on the active config (absent = the real schedule)
 * and inserts its returning customer. Returns the function that restores the previous override.
 */
export async function applyGiven(sql: Sql, scenario: Scenario, options: { hours?: boolean } = {}): Promise<() => Promise<void>> {
  const [config] = options.hours === false ? [] : await sql<{ id: string; hours_override: string | null }[]>`select id, hours_override from agent_configs where is_active limit 1`;
  if (!config && scenario.given.hours && options.hours !== false) throw new Error('given.hours: there is no active agent config');
  let restore = async () => {};
  if (config) {
    await sql`update agent_configs set hours_override = ${scenario.given.hours ?? null} where id = ${config.id}`;
    restore = async () => { await sql`update agent_configs set hours_override = ${config.hours_override} where id = ${config.id}`; };
  }
  try {
    if (scenario.given.customer) await sql`insert into customers ${sql({ ...scenario.given.customer, phone_number: scenario.caller })}`;
  } catch (error) {
    await restore();
    throw error;
  }
  return restore;
}

/** The database's clock: tasks "created during the call" are those created after this. */
export async function databaseNow(sql: Sql): Promise<Date> {
  const [row] = await sql<{ now: Date }[]>`select now() as now`;
  return row!.now;
}

/** Waits (up to waitMs) for the status callback to have closed the conversation; false at once if there is none. */
export async function waitForCallClosed(sql: Sql, callSid: string, waitMs = 3000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = await sql<{ ended_at: Date | null }[]>`select ended_at from conversations where call_sid = ${callSid}`;
    if (row?.ended_at) return true;
    if (!row || Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits (up to waitMs) for the after-call analysis of the call to be stored; false if it was not. */
export async function waitForAnalysis(sql: Sql, callSid: string, waitMs = 15000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const [row] = await sql<{ analysed_at: Date | null }[]>`select analysed_at from conversations where call_sid = ${callSid}`;
    if (row?.analysed_at) return true;
    if (!row || Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Reads what the expectations check: the conversation, the caller's customer row, tasks created since `since`, messages. */
export async function readFacts(sql: Sql, call: { callSid: string; caller: string; since: Date }): Promise<DbFacts & { conversationId: string | null }> {
  const [conversation] = await sql<{ id: string; escalated: boolean }[]>`select id, escalated from conversations where call_sid = ${call.callSid}`;
  const [customer] = await sql<Record<string, unknown>[]>`select * from customers where phone_number = ${call.caller}`;
  const [config] = await sql<{ timezone: string }[]>`select timezone from agent_configs where is_active limit 1`;
  const timezone = config?.timezone ?? 'UTC';
  const tasks = await sql<{ task_type: string; local_time: string; in_future: boolean; assignee: string | null }[]>`
    select task_type, to_char(scheduled_for at time zone ${timezone}, 'HH24:MI') as local_time, scheduled_for > now() as in_future,
      (select name from team_members m where m.user_id = scheduled_tasks.assigned_to) as assignee
    from scheduled_tasks
    where (customer_id = ${(customer?.id as string | undefined) ?? null} or conversation_id = ${conversation?.id ?? null})
      and created_at >= ${call.since}
    order by created_at`;
  const [messages] = conversation
    ? await sql<{ count: number }[]>`select count(*)::int as count from messages where conversation_id = ${conversation.id}`
    : [{ count: 0 }];
  return {
    conversationId: conversation?.id ?? null,
    conversation: conversation ?? null,
    customer: customer ?? null,
    tasks: tasks.map((t) => ({ task_type: t.task_type, local_time: t.local_time, in_future: t.in_future, assignee: t.assignee })),
    messages: messages!.count,
    team: (await sql<{ name: string }[]>`select name from team_members`).map((m) => m.name),
  };
}
