/**
 * The warm transfer's whisper, played to the team member who answers before the caller is
 * connected (Twilio runs the <Number url> TwiML on the member's leg while the caller hears
 * ringing). Pressing 1 takes the call (an empty answer lets Twilio connect the two); anything
 * else, or nothing, ends the member's leg and the <Dial> action gives the caller back to the agent.
 */
import type { Runtime } from '../runtime/runtime.ts';
import { document, twiml } from '../twilio/twiml.ts';
import { voiceOf } from './render.ts';
import { webhookUrls } from './urls.ts';
import type { WebhookRequest } from './webhook.ts';

export interface WhisperFacts {
  name: string | null;
  company: string | null;
  need: string | null;
  timeline: string | null;
  lead_score: number | null;
  returning: boolean;
  topic: string | null;
  reason: string | null;
  /** The caller's last words before the transfer (at most 200 characters). */
  last_said: string | null;
  business_name: string | null;
}

/** "Transfer from the LegacyAI assistant: Dana Whitfield from Orchard Dental, about billing. ..." */
export function whisperText(f: WhisperFacts | null): string {
  const who = f?.name ? `${f.name}${f.company ? ` from ${f.company}` : ''}` : f?.company ? `a caller from ${f.company}` : 'a caller';
  const parts = [`Transfer from the ${f?.business_name ?? ''} assistant: ${who}${f?.returning ? ', a returning caller' : ''}.`
    .replace(/the {2}assistant/, 'the assistant')];
  if (f?.topic) parts.push(`Topic: ${f.topic.replace(/[.!?]+$/, '')}.`);
  if (f?.last_said) parts.push(`They said: ${f.last_said.replace(/[.!?]*$/, '')}.`);
  if (f?.need) parts.push(`Need: ${f.need.replace(/[.!?]+$/, '')}.`);
  if (f?.timeline) parts.push(`Timeline: ${f.timeline.replace(/[.!?]+$/, '')}.`);
  if (typeof f?.lead_score === 'number') parts.push(`Lead score ${f.lead_score}.`);
  parts.push('Press 1 to take the call, or hang up to let the assistant book a callback.');
  return parts.join(' ');
}

const agentVoice = (rt: Runtime) => voiceOf(rt.lastKnown.agent ?? { voice: 'Polly.Joanna-Neural', language: 'en-US' });

/** The member answered: the whisper, inside a one-key <Gather> that reports silence too. */
export async function whisper(rt: Runtime, w: WebhookRequest): Promise<string> {
  const callSid = w.query.get('call') ?? '';
  const [{ facts }] = await rt.sql<{ facts: WhisperFacts | null }[]>`
    select public.transfer_whisper_context(${callSid}) as facts`;
  const voice = agentVoice(rt);
  return document(
    twiml.gather({ action: webhookUrls(rt.config.publicFunctionsUrl).whisperAnswer(callSid), language: voice.language,
      input: 'dtmf', timeout: 8, actionOnEmptyResult: true }, twiml.say(whisperText(facts), voice)),
    twiml.hangup(),
  );
}

/** The member's key: 1 connects the caller; anything else declines (their leg ends). */
export async function whisperAnswer(rt: Runtime, w: WebhookRequest): Promise<string> {
  const accepted = w.params.digits === '1';
  await rt.sql`select public.record_transfer_answer(${w.query.get('call') ?? ''}, ${accepted})`;
  if (accepted) return document();
  return document(twiml.say('Okay, the assistant will book a callback instead. Goodbye.', agentVoice(rt)), twiml.hangup());
}
