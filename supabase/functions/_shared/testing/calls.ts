/** Shared steps for webhook tests: start a call through twilio-voice, set the hours override. */
import type { Runtime } from '../runtime/runtime.ts';
import { createHandler as voiceHandler } from '../../twilio-voice/handler.ts';
import { callParams, newCallSid, newCaller, signedRequest } from './harness.ts';
import type postgres from 'postgres';

export async function startTestCall(rt: Runtime, from = newCaller()) {
  const callSid = newCallSid();
  const res = await voiceHandler(rt)(await signedRequest('twilio-voice', callParams(callSid, from, { CallStatus: 'ringing' })));
  if (res.status !== 200) throw new Error(`twilio-voice answered ${res.status}`);
  return { callSid, from, twiml: await res.text() };
}

/** Runs `fn` with the active config's hours override set, restoring it afterwards. */
export async function withHours<T>(sql: postgres.Sql, value: 'open' | 'closed' | null, fn: () => Promise<T>): Promise<T> {
  const [{ previous }] = await sql`select hours_override as previous from public.agent_configs where is_active`;
  await sql`update public.agent_configs set hours_override = ${value} where is_active`;
  try {
    return await fn();
  } finally {
    await sql`update public.agent_configs set hours_override = ${previous} where is_active`;
  }
}
