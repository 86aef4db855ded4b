/**
 * The number's status callback (/), the <Dial> action (/dial), the voicemail action
 * (/recording), call recordings' status callback (/call-recording), the answering-machine verdict
 * of outbound calls (/amd), and the warm transfer's whisper to the team member (/whisper) with
 * their answer (/whisper-answer).
 */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { twilioWebhook, type WebhookRequest } from '../_shared/calls/webhook.ts';
import { callRecordingStatus, callStatus, dialEnded, voicemailRecorded } from '../_shared/calls/status.ts';
import { voicemailTwiml } from '../_shared/calls/fallback.ts';
import { amdResult } from '../_shared/calls/campaign.ts';
import { whisper, whisperAnswer } from '../_shared/calls/whisper.ts';
import { document, twiml } from '../_shared/twilio/twiml.ts';

export const createHandler: HandlerFactory = (rt) => {
  const route = (w: WebhookRequest) => {
    if (w.subpath === '/dial') return dialEnded(rt, w);
    if (w.subpath === '/recording') return voicemailRecorded(rt, w);
    if (w.subpath === '/call-recording') return callRecordingStatus(rt, w);
    if (w.subpath === '/amd') return amdResult(rt, w);
    if (w.subpath === '/whisper') return whisper(rt, w);
    if (w.subpath === '/whisper-answer') return whisperAnswer(rt, w);
    return callStatus(rt, w);
  };
  const fallback = (w: WebhookRequest) => {
    // The member's leg: without the whisper's facts, still let them take the call.
    if (w.subpath === '/whisper' || w.subpath === '/whisper-answer') return document();
    if (w.subpath === '/dial') {
      return w.params.dialCallStatus === 'completed' ? document(twiml.hangup()) : voicemailTwiml(rt);
    }
    // A status callback's answer is ignored by Twilio; what could not be stored was logged.
    return document();
  };
  return twilioWebhook(rt, 'twilio-status', route, fallback);
};
