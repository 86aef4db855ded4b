/** How the agent opens a callback it placed: who calls and why, asking if now suits. */
import type { Sql } from '../../runtime/runtime.ts';
import type { AgentConfig } from '../../brain/types.ts';

/**
 * The callback greeting: fixed words only. Nothing a caller wrote (the booking's notes, a name
 * given on the call) is spoken on an outbound call, or the business's trusted number would say
 * whatever a prankster booked to whomever they named. The team sees the notes on the dashboard.
 */
export function callbackGreetingText(agent: AgentConfig): string {
  return `Hello, this is ${agent.business_name}, returning a call you asked for. ` +
    `Is now a good time to talk?`;
}

/**
 * The greeting for an outbound call placed for callback `taskId` (from the call's signed Voice
 * URL), or null when the task is not a callback placed as this call.
 */
export async function callbackGreeting(
  sql: Sql,
  agent: AgentConfig,
  taskId: string,
  callSid: string,
): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(taskId)) return null;
  const [row] = await sql<{ ctx: Record<string, unknown> | null }[]>`
    select public.callback_context(${taskId}::uuid, ${callSid}) as ctx`;
  return row?.ctx ? callbackGreetingText(agent) : null;
}
