/**
 * The number's status callback (/), the <Dial> action (/dial), the voicemail action
 * (/recording) and the answering-machine verdict of outbound calls (/amd).
 */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { twilioWebhook, type WebhookRequest } from '../_shared/calls/webhook.ts';
import { callStatus, dialEnded, voicemailRecorded } from '../_shared/calls/status.ts';
import { voicemailTwiml } from '../_shared/calls/fallback.ts';
import { amdResult } from '../_shared/calls/campaign.ts';
import { document, twiml } from '../_shared/twilio/twiml.ts';

export const createHandler: HandlerFactory = (rt) => {
  const route = (w: WebhookRequest) => {
    if (w.subpath === '/dial') return dialEnded(rt, w);
    if (w.subpath === '/recording') return voicemailRecorded(rt, w);
    if (w.subpath === '/amd') return amdResult(rt, w);
    return callStatus(rt, w);
  };
  const fallback = (w: WebhookRequest) => {
    if (w.subpath === '/dial') {
      return w.params.dialCallStatus === 'completed' ? document(twiml.hangup()) : voicemailTwiml(rt);
    }
    // A status callback's answer is ignored by Twilio; what could not be stored was logged.
    return document();
  };
  return twilioWebhook(rt, 'twilio-status', route, fallback);
};
