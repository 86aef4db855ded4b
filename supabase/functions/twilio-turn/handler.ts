/** The Gather action: one turn of the conversation. */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { twilioWebhook } from '../_shared/calls/webhook.ts';
import { takeTurn } from '../_shared/calls/turn.ts';
import { fallbackTwiml } from '../_shared/calls/fallback.ts';

export const createHandler: HandlerFactory = (rt) =>
  twilioWebhook(rt, 'twilio-turn', (w) => takeTurn(rt, w), (w) => fallbackTwiml(rt, w.params.to));
