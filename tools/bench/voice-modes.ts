/**
 * `npm run bench -- --mode relay`: N concurrent relay calls against a scripted OpenAI-compatible
 * provider (fixed time to first token and token rate), then the same calls in gather mode with the
 * same provider, in one run. Measured on this process's clock, which the provider and the
 * simulated Twilio share:
 * - first-token overhead: from the provider writing a reply's first token to that token arriving
 *   at the simulated Twilio (what the functions add to a streamed reply);
 * - first audio: from the caller's last word (the prompt sent, or the Gather action posted) to the
 *   first words Twilio could speak (the first `text` token, or the TwiML with the whole reply).
 */
import { performance } from 'node:perf_hooks';
import type { Sql } from 'postgres';
import { CallSession } from '../sim/call.ts';
import type { SimTarget } from '../sim/scenario.ts';
import { benchCaller, pause, PHRASES } from './load.ts';
import { startScriptedLlm } from './scripted-llm.ts';
import { storedMessages } from './db.ts';
import { processTree, rssKb, treeRssMb } from './procs.ts';
import { round1, summarise } from './stats.ts';

export interface VoiceModeOptions {
  calls: number;
  turns: number;
  thinkMs: number;
  firstTokenMs: number;
  tokensPerSecond: number;
  functionsPid: number | null;
  /** Each call starts at a random moment within this many ms (0: all at once). */
  rampMs: number;
  /** The stack's layout.benchLlmPort: the only loopback base URL its functions accept. */
  llmPort: number;
}

interface ModeRun {
  firstAudio: number[];
  overhead: number[];
  errors: number;
  errorDetails: string[];
  lost: number;
  doubled: number;
  peakRssMb: number;
  seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Points the active agent config at the scripted provider; returns how to put it back. */
async function useScriptedProvider(sql: Sql, baseUrl: string): Promise<() => Promise<void>> {
  const [before] = await sql<{ providers: string[]; provider_settings: Record<string, unknown>; turn_deadline_ms: number }[]>`
    select providers, provider_settings, turn_deadline_ms from agent_configs where is_active`;
  const settings = { ...before!.provider_settings, openai: { model: 'bench-scripted', base_url: baseUrl } };
  await sql`update agent_configs set providers = '{openai,local}', provider_settings = ${sql.json(settings as never)},
    turn_deadline_ms = 8000 where is_active`;
  return async () => {
    await sql`update agent_configs set providers = ${before!.providers}, provider_settings = ${sql.json(before!.provider_settings as never)},
      turn_deadline_ms = ${before!.turn_deadline_ms} where is_active`;
  };
}

async function runMode(target: SimTarget, sql: Sql, mode: 'relay' | 'gather', o: VoiceModeOptions, firstCaller: number,
  firstTokenAt: Map<string, number>): Promise<ModeRun> {
  const firstAudio: number[] = [];
  const overhead: number[] = [];
  const errorDetails: string[] = [];
  const callSids: string[] = [];
  let callerTurns = 0;
  let peak = 0;
  // The server's process tree is read once: scanning /proc every 200 ms would stall this event loop.
  const tree = o.functionsPid ? processTree(o.functionsPid) : [];
  const sampler = setInterval(() => (peak = Math.max(peak, tree.reduce((kb, pid) => kb + rssKb(pid), 0) / 1024)), 200);
  const started = performance.now();
  await Promise.all(Array.from({ length: o.calls }, async (_, i) => {
    const session = new CallSession({
      voiceUrl: `${target.functionsUrl}/twilio-voice`, statusCallbackUrl: `${target.functionsUrl}/twilio-status`,
      authToken: target.authToken, accountSid: target.accountSid, from: benchCaller(firstCaller + i), to: target.toNumber,
      mode, relaySilenceWaitMs: 30_000, relayReplyTimeoutMs: 30_000, timeoutMs: 15_000,
    });
    callSids.push(session.callSid);
    // Callers arrive spread over the ramp (real callers do not all stop talking in the same millisecond).
    if (o.rampMs > 0) await sleep(Math.random() * o.rampMs);
    if (o.thinkMs > 0) await sleep(Math.random() * o.thinkMs);
    await session.start();
    for (let t = 0; t < o.turns && session.listening?.kind === 'gather'; t++) {
      if (o.thinkMs > 0) await sleep(pause(o.thinkMs));
      // Each caller turn's words are its own, so the provider's note of its first token finds it.
      const words = `${PHRASES[t % PHRASES.length]!} (caller ${firstCaller + i}, turn ${t + 1})`;
      const seen = session.firstTokenAt.length;
      const turn = await session.send({ kind: 'speech', text: words });
      callerTurns++;
      if (session.ended === 'error') break;
      firstAudio.push(turn.latency_ms);
      const wrote = firstTokenAt.get(words);
      if (mode === 'relay' && session.firstTokenAt.length > seen && wrote !== undefined) {
        // The provider notes wall-clock time in its own thread; the simulator's clock is this thread's.
        overhead.push(performance.timeOrigin + session.firstTokenAt[seen]! - wrote);
      }
    }
    await session.hangup();
    if (session.ended === 'error') errorDetails.push(session.error ?? 'error');
    for (const r of session.requests) if (r.status !== 200) errorDetails.push(`HTTP ${r.status} from ${r.purpose} ${new URL(r.url).pathname}`);
  }));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  // The stored turns settle a moment after the last reply.
  await sleep(500);
  const stored = await storedMessages(sql, callSids);
  return { firstAudio, overhead, errors: errorDetails.length, errorDetails, lost: o.calls + 2 * callerTurns - stored.messages,
    doubled: stored.doubled, peakRssMb: peak, seconds };
}

/** Both modes against the same scripted provider; the figures of the "Done when". */
export async function runVoiceModeBench(target: SimTarget, sql: Sql, o: VoiceModeOptions) {
  const llm = await startScriptedLlm({ firstTokenMs: o.firstTokenMs, tokensPerSecond: o.tokensPerSecond, port: o.llmPort });
  const restore = await useScriptedProvider(sql, llm.baseUrl);
  try {
    const idleRss = treeRssMb(o.functionsPid);
    // Warm-up: the brain for the new provider settings, SDK clients, connections.
    await runMode(target, sql, 'relay', { ...o, calls: Math.min(o.calls, 10), turns: 2 }, 8000, llm.firstTokenAt);
    await runMode(target, sql, 'gather', { ...o, calls: Math.min(o.calls, 10), turns: 2 }, 8100, llm.firstTokenAt);
    // Figures from the local engine would look like the provider's: refuse them.
    if (llm.requests === 0) {
      throw new Error(`the functions never called the scripted provider at ${llm.baseUrl}: a stack started before `
        + 'LLM_BASE_URL_ALLOWLIST named it needs a restart (npm run stack:down, then npm run stack:up)');
    }
    const relay = await runMode(target, sql, 'relay', o, 0, llm.firstTokenAt);
    const gather = await runMode(target, sql, 'gather', o, 1000, llm.firstTokenAt);
    const r = summarise(relay.firstAudio);
    const g = summarise(gather.firstAudio);
    const ov = summarise(relay.overhead);
    return {
      figures: {
        mode: 'relay', calls: o.calls, turns_per_call: o.turns, think_ms: o.thinkMs,
        provider: { first_token_ms: o.firstTokenMs, tokens_per_s: o.tokensPerSecond, requests: llm.requests },
        errors: relay.errors + gather.errors, relay_errors: relay.errors, gather_errors: gather.errors,
        lost_messages: relay.lost + gather.lost, doubled_messages: relay.doubled + gather.doubled,
        first_token_overhead_p50_ms: ov.p50, first_token_overhead_p99_ms: ov.p99, first_token_overhead_max_ms: ov.max,
        first_token_samples: relay.overhead.length,
        relay_first_audio_p50_ms: r.p50, relay_first_audio_p99_ms: r.p99,
        gather_first_audio_p50_ms: g.p50, gather_first_audio_p99_ms: g.p99,
        gather_vs_relay_first_audio: round1(g.p50 / r.p50),
        functions_rss_mb: { idle: Math.round(idleRss), relay_peak: Math.round(relay.peakRssMb), gather_peak: Math.round(gather.peakRssMb) },
        // Peak minus idle; a collection between the two can make it negative with few calls (then 0).
        memory_per_relay_session_kb: Math.max(0, Math.round(((relay.peakRssMb - idleRss) * 1024) / o.calls)),
        relay_seconds: round1(relay.seconds), gather_seconds: round1(gather.seconds),
      },
      errorDetails: [...relay.errorDetails, ...gather.errorDetails],
    };
  } finally {
    await restore();
    await llm.close();
  }
}
