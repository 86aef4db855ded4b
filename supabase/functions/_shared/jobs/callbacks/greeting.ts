/** How the agent opens a callback it placed: by name, saying why it calls, asking if now suits. */
import type { Sql } from '../../runtime/runtime.ts';
import type { AgentConfig, Customer } from '../../brain/types.ts';

/** The callback greeting; the notes are the team's or the caller's own words from the booking. */
export function callbackGreetingText(
  agent: AgentConfig,
  customer: Customer | null,
  notes: string | null,
): string {
  const first = customer?.name?.trim().split(/\s+/)[0];
  const why = notes?.trim() ? ` My notes say: ${notes.trim().replace(/[.!?]*$/, '')}.` : '';
  return `Hi${first ? ` ${first}` : ''}, this is the virtual assistant from ${agent.business_name}, ` +
    `calling you back as you asked.${why} Is now a good time to talk?`;
}

/**
 * The greeting for an outbound call placed for callback `taskId` (from the call's signed Voice
 * URL), or null when the task is not a callback placed as this call.
 */
export async function callbackGreeting(
  sql: Sql,
  agent: AgentConfig,
  customer: Customer | null,
  taskId: string,
  callSid: string,
): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(taskId)) return null;
  const [row] = await sql<{ ctx: { notes: string | null } | null }[]>`
    select public.callback_context(${taskId}::uuid, ${callSid}) as ctx`;
  return row?.ctx ? callbackGreetingText(agent, customer, row.ctx.notes) : null;
}
