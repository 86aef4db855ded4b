/**
 * The `<Connect action>` URL: Twilio requests it when a relay session ends, with the session's
 * HandoffData. Its TwiML takes over the live call: a transfer (to the team number record_turn
 * stored, never a number from the request), a goodbye, a fresh session that resumes from
 * Postgres, or the fallback (a person in hours, else a message).
 */
import type { Runtime } from '../../runtime/runtime.ts';
import { document, twiml } from '../../twilio/twiml.ts';
import { fallbackTwiml } from '../fallback.ts';
import { voiceOf } from '../render.ts';
import { store } from '../store.ts';
import { webhookUrls } from '../urls.ts';
import type { WebhookRequest } from '../webhook.ts';
import type { Handoff } from './timing.ts';
import { relayHints, relayTwiml } from './answer.ts';

const REASONS = new Set(['transfer', 'hangup', 'resume', 'failure']);

/** HandoffData as we wrote it, or null when it is missing or not ours. */
export function parseHandoff(raw: string | undefined): Handoff | null {
  if (!raw) return null;
  try {
    const h = JSON.parse(raw);
    if (!h || !REASONS.has(h.reason) || !Number.isInteger(h.turn) || h.turn < 0) return null;
    return { reason: h.reason, turn: h.turn, say: typeof h.say === 'string' ? h.say.slice(0, 2000) : undefined };
  } catch {
    return null;
  }
}

export async function relayAction(rt: Runtime, w: WebhookRequest): Promise<string> {
  const handoff = parseHandoff(w.params.handoffData);
  // No HandoffData: the socket closed without `end` (our side crashed, or Twilio's failed).
  if (!handoff || handoff.reason === 'failure') return fallbackTwiml(rt, w.params.to);
  const snap = await store.loadTurnContext(rt.sql, w.params.callSid, null);
  const agent = snap.config ?? rt.lastKnown.agent;
  if (!agent) return fallbackTwiml(rt, w.params.to);
  const voice = voiceOf(agent);
  const say = handoff.say ? [twiml.say(handoff.say, voice)] : [];
  if (snap.conversation.ended_at) return document(twiml.hangup());
  switch (handoff.reason) {
    case 'transfer': {
      const to = snap.conversation.transferred_to;
      if (!to) return fallbackTwiml(rt, w.params.to);
      const urls = webhookUrls(rt.config.publicFunctionsUrl);
      // A warm transfer, as in gather mode: the member hears the whisper and presses 1 to take the
      // call; otherwise the <Dial> action gives the caller back to the agent (a relay session again).
      return document(...say, twiml.dial({ action: urls.dialAction(handoff.turn), callerId: w.params.to || undefined,
        whisperUrl: urls.whisper(w.params.callSid) }, to));
    }
    case 'hangup':
      return document(...say, twiml.hangup());
    case 'resume':
      return relayTwiml(rt.config.publicFunctionsUrl, agent, { resume: true, hints: await relayHints(rt) });
  }
  return fallbackTwiml(rt, w.params.to);
}
