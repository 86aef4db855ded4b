/**
 * What the caller hears when the normal path fails (database down, a bug): never silence and
 * never Twilio's application error. In business hours, with a known team, the call goes to the
 * default team member; otherwise the caller can leave a message.
 */
import type { Runtime } from '../runtime/runtime.ts';
import { isWithinHours } from '../brain/hours.ts';
import { document, twiml } from '../twilio/twiml.ts';
import { voiceOf } from './render.ts';
import { webhookUrls } from './urls.ts';

const defaultVoice = { voice: 'Polly.Joanna-Neural', language: 'en-US' };

const TRANSFER_APOLOGY = "I'm sorry, I'm having trouble on my end. Let me connect you with someone from the team.";
const VOICEMAIL_APOLOGY =
  "I'm sorry, I'm having trouble on my end right now. Please leave your name, number and a short message after the tone, and someone will call you back.";

export function fallbackTwiml(rt: Runtime, businessNumber = ''): string {
  return fallbackAnswer(rt, businessNumber).twiml;
}

/** The fallback's TwiML and the sentence it speaks (stored with a held turn). */
export function fallbackAnswer(rt: Runtime, businessNumber = ''): { twiml: string; said: string } {
  const urls = webhookUrls(rt.config.publicFunctionsUrl);
  const { agent, team } = rt.lastKnown;
  const voice = agent ? voiceOf(agent) : defaultVoice;
  const fallbackMember = agent && team?.find((m) => m.active && m.user_id === agent.default_transfer_user_id);
  if (agent && fallbackMember && safeWithinHours(agent, rt.now())) {
    return {
      said: TRANSFER_APOLOGY,
      twiml: document(
        twiml.say(TRANSFER_APOLOGY, voice),
        twiml.dial({ action: urls.dialAction(0), callerId: businessNumber || undefined }, fallbackMember.phone),
      ),
    };
  }
  return { said: VOICEMAIL_APOLOGY, twiml: voicemailTwiml(rt) };
}

/** An apology and an offer to leave a message with <Record>. */
export function voicemailTwiml(rt: Runtime): string {
  const voice = rt.lastKnown.agent ? voiceOf(rt.lastKnown.agent) : defaultVoice;
  return document(
    twiml.say(VOICEMAIL_APOLOGY, voice),
    twiml.record({ action: webhookUrls(rt.config.publicFunctionsUrl).recording() }),
    twiml.say('We did not get a recording. Please call again later. Goodbye.', voice),
    twiml.hangup(),
  );
}

function safeWithinHours(agent: Parameters<typeof isWithinHours>[0], now: Date): boolean {
  try {
    return isWithinHours(agent, now);
  } catch {
    return false;
  }
}
