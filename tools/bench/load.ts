/**
 * The bench's load: N simulated calls at once, each a greeting then many speech turns through
 * FAQ and lead phrases, played by the simulator exactly as Twilio would; and the same load of
 * signed form posts against the static baseline route.
 */
import { performance } from 'node:perf_hooks';
import { CallSession } from '../sim/call.ts';
import { sendWebhook, WebhookUnreachable } from '../sim/twilio-request.ts';
import { parseTwiml, TwimlError } from '../sim/twiml.ts';
import { newSid } from '../sim/caller-input.ts';
import type { SimTarget } from '../sim/scenario.ts';

/** What the callers say, in order, round and round: questions the FAQ answers and a lead's details. */
export const PHRASES = [
  'Hi, what are your business hours?',
  'How much does the Voice Agent Starter cost?',
  'Do you integrate with HubSpot?',
  "I run a dental practice and I'm interested in an AI receptionist.",
  'My name is Dana Whitfield.',
  'The practice is called Orchard Dental.',
  "It's dana at orchard dental dot com.",
  'How long does it take to get set up?',
  'Is there a pilot I can try?',
  'Where is my call data stored?',
];

/** Bench callers use numbers of their own (+1555088NNNN), so their rows can be found and removed. */
export const BENCH_NUMBER_PREFIX = '+1555088';

export function benchCaller(i: number): string {
  return `${BENCH_NUMBER_PREFIX}${String(i % 10_000).padStart(4, '0')}`;
}

export interface LoadOptions {
  calls: number;
  turns: number;
  thinkMs: number;
  /** Offset for the callers' numbers, so that two phases do not share a caller. */
  firstCaller?: number;
}

export interface CallOutcome {
  callSid: string;
  /** Turn latencies (greeting included) as the simulator measured them. */
  latencies: number[];
  /** Each webhook request's own time to its answer (a turn held with "One moment" is two or more). */
  answerLatencies: number[];
  /** Requests that came back for a turn after a holding line (`wait=` on the redirect). */
  holds: number;
  /** Caller turns sent (a greeting is not one). */
  callerTurns: number;
  /** Webhook answers that were not 200 or not valid TwiML, and requests that got no answer. */
  errors: number;
  errorDetails: string[];
  ended: string | null;
}

export interface LoadResult {
  outcomes: CallOutcome[];
  /** From the first request to the end of the last turn (hang-ups excluded). */
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A caller's pause: `thinkMs` on average, spread over 0.5x..1.5x, so that 100 callers do not
 * answer in lock-step (real callers never do; lock-step bursts would measure the burst).
 */
export function pause(thinkMs: number, random = Math.random): number {
  return thinkMs * (0.5 + random());
}

function failures(session: CallSession): { errors: number; details: string[] } {
  const bad = session.requests.filter((r) => r.status !== 200);
  const details = bad.map((r) => `HTTP ${r.status} from ${r.purpose} ${new URL(r.url).pathname}`);
  // An invalid document or no answer ends the call with 'error' after a 200 (or no) response.
  if (session.ended === 'error' && !/^HTTP \d+/.test(session.error ?? '')) details.push(session.error ?? 'error');
  return { errors: details.length, details };
}

async function playCall(target: SimTarget, i: number, o: LoadOptions, marks: { lastTurnAt: number }): Promise<CallOutcome> {
  const session = new CallSession({
    voiceUrl: `${target.functionsUrl}/twilio-voice`, statusCallbackUrl: `${target.functionsUrl}/twilio-status`,
    authToken: target.authToken, accountSid: target.accountSid, from: benchCaller(i), to: target.toNumber,
    // The plain bench measures the turn-by-turn path; `--mode relay` measures streaming (voice-modes.ts).
    mode: 'gather',
  });
  let callerTurns = 0;
  // With pauses, calls also start spread over one pause rather than all at once.
  if (o.thinkMs > 0) await sleep(Math.random() * o.thinkMs);
  await session.start();
  for (let t = 0; t < o.turns && session.listening?.kind === 'gather'; t++) {
    if (o.thinkMs > 0) await sleep(pause(o.thinkMs));
    await session.send({ kind: 'speech', text: PHRASES[t % PHRASES.length]! });
    callerTurns++;
  }
  marks.lastTurnAt = Math.max(marks.lastTurnAt, performance.now());
  await session.hangup();
  const { errors, details } = failures(session);
  return { callSid: session.callSid, latencies: session.turns.map((t) => t.latency_ms), callerTurns, errors,
    errorDetails: details, ended: session.ended,
    answerLatencies: session.requests.filter((r) => r.status !== null).map((r) => r.latency_ms),
    holds: session.requests.filter((r) => r.purpose === 'redirect' && new URL(r.url).searchParams.has('wait')).length };
}

/** Plays `calls` simulated calls at once, each of `turns` caller turns. */
export async function runCalls(target: SimTarget, o: LoadOptions): Promise<LoadResult> {
  const marks = { lastTurnAt: 0 };
  const started = performance.now();
  const first = o.firstCaller ?? 0;
  const outcomes = await Promise.all(Array.from({ length: o.calls }, (_, i) => playCall(target, first + i, o, marks)));
  return { outcomes, seconds: (marks.lastTurnAt - started) / 1000 };
}

export interface BaselineResult {
  latencies: number[];
  errors: number;
  seconds: number;
}

/**
 * The same load against the static route: each "call" posts turns + 1 signed forms, one after the
 * other, parsing each answer as TwiML like the simulator does.
 */
export async function runBaseline(target: SimTarget, o: LoadOptions): Promise<BaselineResult> {
  const url = `${target.functionsUrl}/_baseline`;
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: o.calls }, async (_, i) => {
    const callSid = newSid('CA');
    if (o.thinkMs > 0) await sleep(Math.random() * o.thinkMs);
    for (let t = 0; t <= o.turns; t++) {
      if (t > 0 && o.thinkMs > 0) await sleep(pause(o.thinkMs));
      const params = { AccountSid: target.accountSid, CallSid: callSid, From: benchCaller(i), To: target.toNumber,
        CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01',
        ...(t > 0 ? { SpeechResult: PHRASES[(t - 1) % PHRASES.length]!, Confidence: '0.92' } : {}) };
      try {
        const answer = await sendWebhook({ url, method: 'POST', params, authToken: target.authToken });
        latencies.push(answer.latency_ms);
        if (answer.status !== 200) errors++;
        else parseTwiml(answer.body);
      } catch (error) {
        if (!(error instanceof WebhookUnreachable || error instanceof TwimlError)) throw error;
        errors++;
      }
    }
  }));
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}
