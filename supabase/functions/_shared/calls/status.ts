/** The call's lifecycle after the conversation: status callbacks, the <Dial> action, a voicemail. */
import type { Runtime } from '../runtime/runtime.ts';
import { store } from './store.ts';
import { document, twiml } from '../twilio/twiml.ts';
import { voiceOf } from './render.ts';
import { webhookUrls } from './urls.ts';
import type { WebhookRequest } from './webhook.ts';

const terminal = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Status callback: closes the conversation on a terminal status (idempotent, order-proof in SQL). */
export async function callStatus(rt: Runtime, w: WebhookRequest): Promise<string> {
  const status = w.params.callStatus;
  if (terminal.has(status)) {
    await store.finishCall(rt.sql, w.params.callSid, status, w.params.callDuration ?? null);
  }
  return document();
}

/** The <Dial> action: records whether the transfer connected; if not, the agent takes over again. */
export async function dialEnded(rt: Runtime, w: WebhookRequest): Promise<string> {
  const status = w.params.dialCallStatus ?? 'failed';
  const n = Number(w.query.get('n') ?? '0');
  const dial = await store.recordWarmDialResult(rt.sql, w.params.callSid, status, w.params.dialCallDuration ?? null);
  if (dial.answered) return document(twiml.hangup());
  const urls = webhookUrls(rt.config.publicFunctionsUrl);
  if (n < 1) {
    // The fallback transfer (database was down): nobody answered, so offer a voicemail.
    return document(twiml.say('Nobody is available right now. Please leave a message after the tone.',
      voiceOf(rt.lastKnown.agent ?? { voice: 'Polly.Joanna-Neural', language: 'en-US' })),
      twiml.record({ action: urls.recording() }), twiml.hangup());
  }
  return document(twiml.redirect(urls.turn(n + 1, { dial: dial.transfer_status })));
}

/** A message recorded by the caller (the fallback path): kept as a task for the team. */
export async function voicemailRecorded(rt: Runtime, w: WebhookRequest): Promise<string> {
  const voice = voiceOf(rt.lastKnown.agent ?? { voice: 'Polly.Joanna-Neural', language: 'en-US' });
  try {
    if (w.params.recordingUrl) {
      await store.recordVoicemail(rt.sql, { callSid: w.params.callSid, from: w.params.from,
        recordingUrl: w.params.recordingUrl, durationSeconds: w.params.recordingDuration ?? null });
    }
  } catch (err) {
    // The recording stays in Twilio's account (reconciliation finds it by CallSid). Its URL is not
    // logged: with the account's credentials it plays the caller's voice.
    rt.log.error('voicemail not stored', { call_sid: w.params.callSid, error: err instanceof Error ? err.name : 'unknown' });
  }
  return document(twiml.say('Thank you. Your message has been saved and someone will call you back. Goodbye.', voice),
    twiml.hangup());
}

/** A call recording's status callback (recordings started by the start_recording job). */
export async function callRecordingStatus(rt: Runtime, w: WebhookRequest): Promise<string> {
  const { recordingSid, recordingStatus } = w.params;
  if (recordingSid && recordingStatus) {
    await store.recordRecordingStatus(rt.sql, recordingSid, recordingStatus, w.params.recordingDuration ?? null);
  }
  return document();
}
