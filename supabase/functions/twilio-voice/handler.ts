/** The number's Voice URL: a new inbound call. */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { twilioWebhook } from '../_shared/calls/webhook.ts';
import { answerCall } from '../_shared/calls/answer.ts';
import { fallbackTwiml } from '../_shared/calls/fallback.ts';

export const createHandler: HandlerFactory = (rt) =>
  twilioWebhook(rt, 'twilio-voice', (w) => answerCall(rt, w), (w) => fallbackTwiml(rt, w.params.to));
