/**
 * Test helpers for relay sessions: a session on an in-memory socket (messages out collected in
 * order), and Twilio's side of a real WebSocket (signed handshake, setup, prompts, the action URL
 * followed on `end`), for tests that need the whole path.
 */
import type { Runtime } from '../../runtime/runtime.ts';
import { computeSignature } from '../../twilio/signature.ts';
import { AUTH_TOKEN, callParams, PUBLIC_BASE, signedRequest } from '../../testing/harness.ts';
import { RelaySession } from './session.ts';
import type { RelayTimings } from './timing.ts';

export type Out = { type: string; token?: string; last?: boolean; handoffData?: string; [field: string]: unknown };

export const FAST: RelayTimings = { silenceMs: 60_000, quietMs: 60_000, speechMsPerChar: 0 };

/** A session whose socket is an array; `next()` waits for the next message out. */
export function memorySession(rt: Runtime, timings: RelayTimings = FAST) {
  const out: Out[] = [];
  let wake: (() => void) | null = null;
  const session = new RelaySession(rt, {
    send: (data) => {
      out.push(JSON.parse(data));
      wake?.();
    },
    close: () => {},
  }, timings);
  let read = 0;
  return {
    session,
    out,
    send: (m: Record<string, unknown>) => session.handle(JSON.stringify(m)),
    /** Messages out until (and with) the next `last: true` text or `end`, or after `ms`. */
    async reply(ms = 5000): Promise<Out[]> {
      const until = performance.now() + ms;
      for (;;) {
        const i = out.slice(read).findIndex((m) => (m.type === 'text' && m.last) || m.type === 'end');
        if (i >= 0) {
          const got = out.slice(read, read + i + 1);
          read += i + 1;
          return got;
        }
        const left = until - performance.now();
        if (left <= 0) {
          const got = out.slice(read);
          read = out.length;
          return got;
        }
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          wake = () => {
            clearTimeout(t);
            r();
          };
        });
        wake = null;
      }
    },
  };
}

export function setupMessage(callSid: string, from: string, custom: Record<string, string> = {}) {
  return { type: 'setup', sessionId: 'VX' + '0'.repeat(32), accountSid: 'AC' + '0'.repeat(32), callSid, from, to: '+15550100000',
    direction: 'inbound', callType: 'PSTN', callStatus: 'IN-PROGRESS', customParameters: custom };
}

export const textOf = (msgs: Out[]) => msgs.filter((m) => m.type === 'text').map((m) => m.token).join('');
export const endOf = (msgs: Out[]) => {
  const end = msgs.find((m) => m.type === 'end');
  return end ? JSON.parse(end.handoffData!) : null;
};

/** The signature Twilio puts on the handshake of `wss://.../twilio-relay[?query]`. */
export function handshakeSignature(query = '', token = AUTH_TOKEN): Promise<string> {
  return computeSignature(token, `wss://voice.example.test/functions/v1/twilio-relay${query}`, []);
}

/** Twilio requesting the `<Connect action>` after a session ended. */
export function actionRequest(callSid: string, from: string, handoffData: string | null) {
  return signedRequest('twilio-relay/action', callParams(callSid, from, {
    SessionId: 'VX' + '1'.repeat(32), SessionStatus: handoffData === null ? 'failed' : 'completed', SessionDuration: '3',
    ...(handoffData === null ? {} : { HandoffData: handoffData }),
  }));
}

export { PUBLIC_BASE };
