/**
 * `npm run bench -- --mode realtime`: N calls at once in realtime voice mode, each a greeting and
 * T caller utterances streamed as real audio at real-time pace (Twilio Media Streams, played by
 * the simulator) through twilio-media to the local Realtime stand-in. The figure that is ours to
 * own is the bridge's overhead on first audio: from the stand-in sending a reply's first audio
 * delta to that audio reaching the simulated Twilio.
 */
import { performance } from 'node:perf_hooks';
import { speak } from '../../supabase/functions/_shared/testing/realtime/audio.ts';
import { CallSession } from '../sim/call.ts';
import type { SimTarget } from '../sim/scenario.ts';
import { benchCaller, PHRASES } from './load.ts';

export interface RealtimeOutcome {
  callSid: string;
  callerTurns: number;
  /** Replies the caller heard nothing of, failed webhooks, calls that ended in an application error. */
  errors: number;
  errorDetails: string[];
  overheadsMs: number[];
  /** From the end of the caller's speech to the first audio of the answer (VAD and the model included). */
  voiceToVoiceMs: number[];
  ended: string | null;
}

async function playRealtimeCall(target: SimTarget, i: number, turns: number): Promise<RealtimeOutcome> {
  const session = new CallSession({
    voiceUrl: `${target.functionsUrl}/twilio-voice?mode=realtime`, statusCallbackUrl: `${target.functionsUrl}/twilio-status`,
    authToken: target.authToken, accountSid: target.accountSid, from: benchCaller(i), to: target.toNumber,
    realtime: target.realtime,
  });
  // Calls ring over a second, not in one instant.
  await new Promise((r) => setTimeout(r, Math.random() * 1000));
  const details: string[] = [];
  let callerTurns = 0;
  await session.start();
  for (let t = 0; t < turns && session.listening?.kind === 'stream'; t++) {
    await session.send({ kind: 'speech', text: PHRASES[t % PHRASES.length]! });
    callerTurns++;
  }
  await session.hangup();
  for (const r of session.requests) if (r.status !== 200) details.push(`HTTP ${r.status} from ${r.purpose} ${new URL(r.url).pathname}`);
  if (session.ended === 'error') details.push(session.error ?? 'error');
  session.turns.forEach((turn, n) => {
    if (!turn.agent.trim()) details.push(`turn ${n}: no answer heard`);
  });
  return { callSid: session.callSid, callerTurns, errors: details.length, errorDetails: details,
    overheadsMs: session.streamStats.overheadsMs, voiceToVoiceMs: session.turns.slice(1).map((t) => t.latency_ms),
    ended: session.ended };
}

export async function runRealtimeCalls(target: SimTarget, o: { calls: number; turns: number; firstCaller?: number }) {
  if (!target.realtime) throw new Error('realtime mode needs the stack\'s Realtime stand-in (no OpenAI key in .env.local)');
  // The callers' audio is made before the calls, as a caller knows what they will say.
  await Promise.all(PHRASES.map((p) => speak(p)));
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: o.calls }, (_, i) => playRealtimeCall(target, (o.firstCaller ?? 0) + i, o.turns)));
  return { outcomes, seconds: (performance.now() - started) / 1000 };
}
