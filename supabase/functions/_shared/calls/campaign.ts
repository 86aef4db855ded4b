/**
 * A campaign's outbound call on Twilio's side: the opening the agent speaks when the callee
 * answers, and the answering-machine verdict (asynchronous AMD with message-end detection) that
 * turns a machine into a voicemail after the beep, or a hang-up, by updating the live call.
 */
import type { Runtime, Sql } from '../runtime/runtime.ts';
import type { AgentConfig, Customer } from '../brain/types.ts';
import { document, twiml, type Voice } from '../twilio/twiml.ts';
import { voiceOf } from './render.ts';
import type { WebhookRequest } from './webhook.ts';
import { readJobsConfig } from '../jobs/config.ts';
import { type OutboundCalls, twilioCalls } from '../jobs/callbacks/twilio_calls.ts';
import { errorText } from '../jobs/errors.ts';

/** The opening with {name} (the lead's first name) and {business} filled in. */
export function campaignOpeningText(opening: string, agent: AgentConfig, name: string | null): string {
  const first = name?.trim().split(/\s+/)[0] ?? '';
  return opening.replaceAll('{name}', first).replaceAll('{business}', agent.business_name)
    .replace(/\s+([,.!?])/g, '$1').replace(/\s{2,}/g, ' ').trim();
}

/**
 * The greeting for an outbound call placed for campaign lead `leadId` (from the call's signed
 * Voice URL), or null when the lead was not placed as this call.
 */
export async function campaignGreeting(
  sql: Sql,
  agent: AgentConfig,
  customer: Customer | null,
  leadId: string,
  callSid: string,
): Promise<string | null> {
  if (!/^[0-9a-f-]{36}$/i.test(leadId)) return null;
  const [row] = await sql<{ ctx: { opening: string; name: string | null } | null }[]>`
    select public.campaign_call_context(${leadId}::uuid, ${callSid}) as ctx`;
  return row?.ctx ? campaignOpeningText(row.ctx.opening, agent, row.ctx.name ?? customer?.name ?? null) : null;
}

/** The voice a voicemail is spoken in: the agent's for English, a Spanish neural voice for Spanish. */
export function voicemailVoice(agent: Pick<AgentConfig, 'voice' | 'language'>, language: string): Voice {
  if (language === 'es') return { voice: 'Polly.Lupe-Neural', language: 'es-US' };
  return voiceOf(agent);
}

const clients = new WeakMap<Runtime, OutboundCalls | null>();

/** The Calls API client for live-call updates, built once per runtime; null without an account. */
export function liveCalls(rt: Runtime): OutboundCalls | null {
  if (!clients.has(rt)) {
    const outbound = readJobsConfig(rt.config.env, rt.config.publicFunctionsUrl).outbound;
    clients.set(rt, outbound && twilioCalls(outbound));
  }
  return clients.get(rt)!;
}

type Verdict = { action: 'voicemail' | 'hangup' | 'continue' | 'none'; message: string | null; language: string };

/** The AsyncAmdStatusCallback: stores AnsweredBy, then leaves the voicemail or hangs up as the campaign says. */
export async function amdResult(rt: Runtime, w: WebhookRequest, calls = liveCalls(rt)): Promise<string> {
  const answeredBy = w.params.answeredBy;
  if (!answeredBy) return document();
  const [{ v }] = await rt.sql<{ v: Verdict }[]>`
    select public.record_answered_by(${w.params.callSid}, ${answeredBy}) as v`;
  if (v.action !== 'voicemail' && v.action !== 'hangup') return document();
  if (!calls) {
    rt.log.warn('answering machine not handled: outbound calling is not configured', { call_sid: w.params.callSid });
    return document();
  }
  const agent = rt.lastKnown.agent ?? { voice: 'Polly.Joanna-Neural', language: 'en-US' };
  try {
    await calls.update(w.params.callSid, v.action === 'voicemail'
      ? { twiml: document(twiml.say(v.message ?? '', voicemailVoice(agent, v.language)), twiml.hangup()) }
      : { status: 'completed' });
  } catch (err) {
    rt.log.error('live call not updated after the machine verdict', { call_sid: w.params.callSid,
      action: v.action, error: errorText(err) });
  }
  return document();
}
