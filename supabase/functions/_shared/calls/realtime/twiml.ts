/**
 * The TwiML around a realtime call: the media stream (with the verb after </Connect> that asks
 * what comes next), and that answer once the stream has closed: a transfer, a hang-up, a fresh
 * stream that resumes the call, or the fallback voice mode (relay, or gather for a call that asks
 * for recording consent), which carries on from the history.
 */
import type { AgentConfig } from '../../brain/types.ts';
import { document, twiml } from '../../twilio/twiml.ts';
import { listen } from '../render.ts';
import { relayTwiml } from '../relay/answer.ts';
import type { StreamHandoff } from '../store.ts';
import type { WebhookUrls } from '../urls.ts';

export const LOST_YOU = "Sorry, I lost you for a moment. Could you say that again?";

/** `<Connect><Stream>` then `<Redirect>` to the after-stream URL. */
export function streamTwiml(urls: WebhookUrls, resume: boolean): string {
  return document(twiml.connectStream(urls.mediaStream(), { resume: resume ? '1' : '0' }),
    twiml.redirect(urls.afterStream()));
}

export interface AfterStream {
  handoff: StreamHandoff | null;
  lastTurn: number;
  transferredTo: string | null;
  greeting: string | null;
  agent: AgentConfig;
  businessNumber: string;
  /** The caller's call: a transfer is warm (the member hears the whisper and presses 1), as in the other modes. */
  callSid?: string;
  /** The functions' public base URL and speech hints, for a fallback into relay mode. */
  relay: { publicBase: string; hints: string };
}

/** What the call does once its stream has closed. */
export function afterStreamTwiml(a: AfterStream, urls: WebhookUrls): string {
  switch (a.handoff?.next) {
    case 'transfer':
      if (a.transferredTo) {
        return document(twiml.dial({ action: urls.dialAction(a.lastTurn), callerId: a.businessNumber || undefined,
          whisperUrl: a.callSid ? urls.whisper(a.callSid) : undefined }, a.transferredTo));
      }
      return document(twiml.hangup());
    case 'hangup':
      return document(twiml.hangup());
    case 'resume':
      return streamTwiml(urls, true);
    default:
      // Realtime failed (or the stream dropped without a word): relay takes over from the stored
      // history (gather where the call asks for recording consent); a caller who never heard the
      // greeting hears it now.
      const say = a.lastTurn === 0 && a.greeting ? a.greeting : LOST_YOU;
      if (a.agent.recording_mode === 'ask') return listen(say, a.lastTurn + 1, a.agent, urls);
      return relayTwiml(a.relay.publicBase, a.agent, { greeting: say, hints: a.relay.hints });
  }
}
