/** The Gather action: one turn of the conversation. */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { twilioWebhook } from '../_shared/calls/webhook.ts';
import { takeTurn, turnInput } from '../_shared/calls/turn.ts';
import { fallbackAnswer } from '../_shared/calls/fallback.ts';
import type { WebhookRequest } from '../_shared/calls/webhook.ts';
import type { Runtime } from '../_shared/runtime/runtime.ts';

/**
 * The fallback, and what the caller said kept until the database takes it. A turn still being
 * answered may no longer store its own reply: the caller heard this instead.
 */
function fallbackTurn(rt: Runtime, w: WebhookRequest): string {
  const answer = fallbackAnswer(rt, w.params.to);
  try {
    const { n, stored } = turnInput(w);
    const pending = rt.pendingTurns.get(w.params.callSid, n);
    if (pending) pending.fellBack = true;
    const input = pending?.input ?? stored;
    if (w.query.has('wait') && !pending) return answer.twiml; // the caller's words are with another process
    const outbound = w.params.direction.startsWith('outbound');
    rt.outbox.hold({ callSid: w.params.callSid, from: w.params.from, to: w.params.to,
      direction: outbound ? 'outbound' : 'inbound', turn: n, input, reply: answer.said });
  } catch {
    // No turn number: nothing to keep.
  }
  return answer.twiml;
}

export const createHandler: HandlerFactory = (rt) =>
  twilioWebhook(rt, 'twilio-turn', (w) => takeTurn(rt, w), (w) => fallbackTurn(rt, w));
