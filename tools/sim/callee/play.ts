/**
 * Plays the callee's side of one outbound call the way Twilio reports it: ringing, then either a
 * status callback for busy / no-answer, or an answered call whose Voice URL is requested and
 * followed (the agent speaks), with the asynchronous AMD verdict posted to AsyncAmdStatusCallback
 * (`human` once a person speaks, `machine_end_beep` after a machine's greeting and beep, `fax`).
 * A live-call update (new TwiML, or Status=completed) arrives through `session.update`.
 */
import { performance } from 'node:perf_hooks';
import { CallSession, type Turn } from '../call.ts';
import { sendWebhook, WebhookUnreachable } from '../twilio-request.ts';
import { DEFAULT_PERSON_LINES, type Callee } from './behaviour.ts';

/** One placed call as the stand-in knows it. */
export interface OutboundCall {
  sid: string;
  to: string;
  from: string;
  url: string;
  statusCallback: string | null;
  amdCallback: string | null;
  callee: Callee['kind'];
  /** queued → ringing → in-progress → completed | busy | no-answer | failed */
  status: string;
  answeredBy: string | null;
  /** What the agent said, turn by turn (the greeting first; a call update is its own turn). */
  turns: Turn[];
  /** Updates received through the Calls API. */
  updates: Array<{ twiml?: string; status?: string }>;
  /** Whatever went wrong on Twilio's side (an unreachable webhook, invalid TwiML). */
  errors: string[];
  placedAt: number;
  endedAt: number | null;
  session: CallSession | null;
}

export interface PlayOptions {
  accountSid: string;
  authToken: string;
  ringMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function post(call: OutboundCall, url: string | null, params: Record<string, string>, o: PlayOptions) {
  if (!url) return;
  try {
    const answer = await sendWebhook({ url, method: 'POST', authToken: o.authToken, params: {
      AccountSid: o.accountSid, CallSid: call.sid, From: call.from, To: call.to, Direction: 'outbound-api',
      ApiVersion: '2010-04-01', ...params } });
    if (answer.status < 200 || answer.status > 299) call.errors.push(`HTTP ${answer.status} from ${new URL(url).pathname}`);
  } catch (error) {
    if (!(error instanceof WebhookUnreachable)) throw error;
    call.errors.push(error.message);
  }
}

/** Waits until the session ends (by the agent, a call update, or the callee), at most `ms`. */
async function untilEnded(session: CallSession, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!session.ended && performance.now() < deadline) await sleep(50);
  return session.ended !== null;
}

export async function playCall(call: OutboundCall, callee: Callee, o: PlayOptions): Promise<void> {
  if (callee.kind === 'record-only') return;
  call.status = 'ringing';
  await sleep(o.ringMs);
  if (callee.kind === 'busy' || callee.kind === 'no-answer') {
    call.status = callee.kind;
    call.endedAt = Date.now();
    await post(call, call.statusCallback, { CallStatus: callee.kind, CallDuration: '0' }, o);
    return;
  }
  call.status = 'in-progress';
  const session = new CallSession({ voiceUrl: call.url, statusCallbackUrl: call.statusCallback ?? undefined,
    authToken: o.authToken, accountSid: o.accountSid, from: call.from, to: call.to, callSid: call.sid,
    direction: 'outbound-api' });
  call.session = session;
  call.turns = session.turns;
  await session.start();
  if (session.error) call.errors.push(session.error);

  if (callee.kind === 'person') {
    call.answeredBy = 'human';
    await post(call, call.amdCallback, { AnsweredBy: 'human', MachineDetectionDuration: '1200' }, o);
    for (const line of callee.lines ?? DEFAULT_PERSON_LINES) {
      if (!session.listening || session.ended) break;
      await session.send({ kind: 'speech', text: line });
      if (session.error) call.errors.push(session.error);
    }
    await session.hangup();
  } else {
    // The machine's greeting plays over the agent's opening; detection waits for the beep.
    await sleep(callee.kind === 'machine' ? callee.greetingMs ?? 300 : 100);
    call.answeredBy = callee.kind === 'machine' ? 'machine_end_beep' : 'fax';
    await post(call, call.amdCallback, { AnsweredBy: call.answeredBy, MachineDetectionDuration: '4100' }, o);
    // A voicemail box records up to a few minutes; here the sim waits for the update to play out.
    if (!(await untilEnded(session, 10_000))) await session.hangup();
  }
  call.status = 'completed';
  call.endedAt = Date.now();
}
