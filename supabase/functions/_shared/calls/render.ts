/** Turns an agent reply and its actions into the TwiML that continues, transfers or ends the call. */
import type { AgentConfig, TurnActions } from '../brain/types.ts';
import { document, twiml, type Voice } from '../twilio/twiml.ts';
import type { WebhookUrls } from './urls.ts';

export function voiceOf(agent: Pick<AgentConfig, 'voice' | 'language'>): Voice {
  return { voice: agent.voice, language: agent.language };
}

/** Twilio's Spanish voice when the configured one speaks another language (Amazon Polly, US Spanish). */
const SPANISH_VOICE = { voice: 'Polly.Lupe-Neural', language: 'es-US' };

/**
 * The config's voice and language, switched to Spanish when the caller speaks Spanish (and the
 * business's own language is not already Spanish): `<Say>` speaks it and `<Gather>` listens for it.
 */
export function speakingIn<T extends Pick<AgentConfig, 'voice' | 'language'>>(agent: T, language?: string | null): T {
  if (language !== 'es' || agent.language.toLowerCase().startsWith('es')) return agent;
  return { ...agent, ...SPANISH_VOICE };
}

/**
 * The reply nested in a `<Gather>` (so the caller can interrupt) whose action is turn `next`;
 * when the gather times out with no input, the `<Redirect>` reports the silence as that turn.
 */
export function listen(reply: string, next: number, agent: Pick<AgentConfig, 'voice' | 'language'>, urls: WebhookUrls): string {
  return document(
    twiml.gather({ action: urls.turn(next), language: agent.language }, twiml.say(reply, voiceOf(agent))),
    twiml.redirect(urls.turn(next, { silence: '1' })),
  );
}

/** The answer to turn `n`: transfer, hang up, or listen for turn n + 1. */
export function renderTurn(
  reply: string,
  actions: TurnActions,
  n: number,
  agent: Pick<AgentConfig, 'voice' | 'language'>,
  urls: WebhookUrls,
  businessNumber: string,
  callSid?: string,
): string {
  const voice = voiceOf(agent);
  if (actions.transfer) {
    // A warm transfer: the member hears who is calling and why, and presses 1 to take the call.
    return document(
      twiml.say(reply, voice),
      twiml.dial({ action: urls.dialAction(n), callerId: businessNumber || undefined,
        whisperUrl: callSid ? urls.whisper(callSid) : undefined }, actions.transfer.phone),
    );
  }
  if (actions.hangup) return document(twiml.say(reply, voice), twiml.hangup());
  return listen(reply, n + 1, agent, urls);
}
