/**
 * `npm run bench`: N simulated calls at once against the running stack, each many turns, then
 * the same load against a static TwiML route (the HTTP stack's own cost), then a cold start.
 *   --calls N (100)  --turns T per call (10)  --think-ms MS between turns (0)  --profile dev|test
 *   --json (last line: the figures as JSON)  --no-cold-start  --keep-data (leave the bench's rows)
 *   --functions-pid PID (measure this server instead, with SIM_FUNCTIONS_URL pointing at it)
 *   --mode realtime: calls in realtime voice mode (Media Streams with real audio, the Realtime stand-in);
 *     --calls N (20), --turns T (4); figures: errors, lost messages, first-audio overhead, CPU and memory per call
 *   --mode relay: streamed replies against a scripted provider, relay then gather (voice-modes.ts),
 *     with --first-token-ms (300) and --tokens-per-s (40)
 *   --viewers N[,M...] (0): dashboard viewers holding the home page's live streams during the
 *   load; a list plays the load once per count, in one run (one JSON line each)
 *   --fault postgres-restart (gather mode): stop the stack's Postgres --fault-at-s S (5) into the
 *     load for --fault-down-s S (3), then start it again; --turns (20) and --think-ms (200) so that
 *     calls are mid-conversation through it; reports answers past the webhook deadline
 *     (WEBHOOK_DEADLINE_MS, 4 s) and past Twilio's 15 s, the holding lines given, and the caller turns not stored once the
 *     functions have caught up. No cold start and a single load (no --viewers list).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import postgres from 'postgres';
import { profileFrom, repoRoot, stackLayout } from '../stack/config.ts';
import { resolveTarget } from '../sim/target.ts';
import { assertLocalDatabase } from '../sim/scenario-db.ts';
import { runBaseline, runCalls } from './load.ts';
import { removeBenchCalls, storedMessages } from './db.ts';
import { cpuMeter, rssSampler, stackPids } from './procs.ts';
import { measureColdStart, type ColdStart } from './cold-start.ts';
import { round1, summarise } from './stats.ts';
import { printTable } from './report.ts';
import { DEFAULT_WEBHOOK_DEADLINE_MS } from '../../supabase/functions/_shared/runtime/config.ts';
import { runRealtimeCalls } from './realtime.ts';
import { runVoiceModeBench } from './voice-modes.ts';
import { spawnViewers, type ViewerFigures } from './viewers.ts';
import { spawn } from 'node:child_process';
import { join } from 'node:path';

function textOption(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? null : process.argv[i + 1] ?? null;
}

function faultOption(): 'postgres-restart' | null {
  const fault = textOption('fault');
  if (fault !== null && fault !== 'postgres-restart') throw new Error('--fault knows only postgres-restart');
  return fault;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

const flag = (name: string) => process.argv.includes(`--${name}`);

/** `--viewers 0,5` as [0, 5]; [0] when absent. */
function viewerCounts(): number[] {
  const i = process.argv.indexOf('--viewers');
  if (i < 0) return [0];
  const counts = String(process.argv[i + 1] ?? '').split(',').map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 0 || n > 200)) throw new Error('--viewers needs counts from 0 to 200, e.g. --viewers 0,5');
  return counts;
}
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

function modeOption(): 'gather' | 'relay' | 'realtime' {
  const i = process.argv.indexOf('--mode');
  const mode = i < 0 ? 'gather' : process.argv[i + 1];
  if (mode !== 'gather' && mode !== 'relay' && mode !== 'realtime') throw new Error('--mode must be gather, relay or realtime');
  return mode;
}

async function main(): Promise<void> {
  const profile = profileFrom(process.argv);
  if (modeOption() === 'realtime') return await realtimeBench(profile);
  const layout = stackLayout(profile);
  const fault = faultOption();
  if (fault && modeOption() !== 'gather') throw new Error('--fault runs in gather mode only');
  const calls = Math.max(1, Math.floor(option('calls', 100)));
  const turns = Math.max(1, Math.floor(option('turns', fault ? 20 : 10)));
  const thinkMs = option('think-ms', fault ? 200 : 0);
  const deadlineMs = Number(process.env.WEBHOOK_DEADLINE_MS) > 0 ? Number(process.env.WEBHOOK_DEADLINE_MS) : DEFAULT_WEBHOOK_DEADLINE_MS;
  const target = await resolveTarget(profile);
  if (!target.functionsUp) throw new Error(`the ${profile} stack's functions are not up: npm run stack:up -- --profile ${profile}`);
  assertLocalDatabase(target.dbUrl, [target.stackDbUrl!]);
  const sql = postgres(target.dbUrl, { max: 2, onnotice: () => {} });
  try {
    await removeBenchCalls(sql);
    // Other work on the machine skews every figure; it is reported beside them.
    const loadBefore = round1(loadavg()[0]!);
    if (modeOption() === 'relay') {
      const pids = stackPids(layout);
      say(`relay then gather: ${calls} concurrent calls x ${turns} turns, scripted provider`);
      const { figures, errorDetails } = await runVoiceModeBench(target, sql, {
        calls, turns, thinkMs, firstTokenMs: option('first-token-ms', 300), tokensPerSecond: option('tokens-per-s', 40),
        functionsPid: process.argv.includes('--functions-pid') ? option('functions-pid', 0) : pids.functions,
        llmPort: layout.benchLlmPort, rampMs: option('ramp-ms', 0),
      });
      const out = { profile, load_avg_before: loadBefore, ...figures, load_avg_after: round1(loadavg()[0]!) };
      for (const [k, v] of Object.entries(out)) console.log(`${k.padEnd(30)} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
      for (const d of [...new Set(errorDetails)].slice(0, 10)) console.log(`  error: ${d}`);
      if (flag('json')) console.log(JSON.stringify(out));
      return;
    }
    say(`warm-up: ${Math.min(calls, 20)} calls x 3 turns`);
    await runCalls(target, { calls: Math.min(calls, 20), turns: 3, thinkMs: 0, firstCaller: 9000 });
    await runBaseline(target, { calls: Math.min(calls, 20), turns: 3, thinkMs: 0 });

    say(`baseline: ${calls} concurrent x ${turns + 1} posts to /_baseline`);
    const baseline = await runBaseline(target, { calls, turns, thinkMs });

    let coldStart: ColdStart | null = null;
    const counts = fault ? [0] : viewerCounts();
    for (const [phase, viewerCount] of counts.entries()) {
      if (phase > 0) await removeBenchCalls(sql);
      say(`load: ${calls} concurrent calls x ${turns} turns, think ${thinkMs} ms, ${viewerCount} dashboard viewers`);
      const [{ after }] = await sql<{ after: string }[]>`select coalesce(max(id), 0)::text as after from public.messages`;
      const viewers = await spawnViewers(layout.dashboardUrl, viewerCount, 'user_jordan_lee', Number(after));
      const pids = stackPids(layout);
      if (process.argv.includes('--functions-pid')) pids.functions = option('functions-pid', 0);
      const rss = rssSampler(pids);
      const cpu = cpuMeter(pids);
      const faultDone = fault ? restartPostgresDuring(profile, Date.now()) : null;
      faultDone?.catch(() => {}); // awaited (and thrown) after the load
      const load = await runCalls(target, { calls, turns, thinkMs, firstCaller: phase * 1000 });
      const faultTimes = faultDone ? await faultDone : null;
      const cpuSeconds = cpu.stop();
      const rssMb = rss.stop();
      // Lines still in flight at the end of the load reach the viewers within the poll interval.
      if (viewerCount > 0) await new Promise((r) => setTimeout(r, 1000));
      const live: ViewerFigures = await viewers.stop();

      const latencies = load.outcomes.flatMap((o) => o.latencies);
      // The deadline is per webhook request: a turn held with "One moment" is answered more than once.
      const answers = load.outcomes.flatMap((o) => o.answerLatencies);
      const turnCount = latencies.length;
      const callerTurns = load.outcomes.reduce((n, o) => n + o.callerTurns, 0);
      const errors = load.outcomes.reduce((n, o) => n + o.errors, 0);
      // Each greeting is one agent message; each caller turn is the caller's words and the reply.
      const expected = load.outcomes.length + 2 * callerTurns;
      let stored = await storedMessages(sql, load.outcomes.map((o) => o.callSid));
      if (fault) {
        // Turns said during the outage are held by the functions and written once it is back.
        for (let i = 0; i < 30 && stored.messages < expected; i++) {
          await new Promise((r) => setTimeout(r, 1000));
          stored = await storedMessages(sql, load.outcomes.map((o) => o.callSid));
        }
      }
      const storedCaller = fault
        ? (await sql<{ n: number }[]>`select count(*)::int as n from public.messages m join public.conversations c
            on c.id = m.conversation_id where c.call_sid = any(${load.outcomes.map((o) => o.callSid)}) and m.role = 'caller'`)[0]!.n
        : null;
      const s = summarise(latencies);
      const b = summarise(baseline.latencies);

      if (!fault && !flag('no-cold-start') && phase === counts.length - 1) {
        say('cold start: a second functions server on a spare port');
        coldStart = await measureColdStart(layout, target, 9999);
      }

      const figures = {
        profile, calls, turns_per_call: turns, think_ms: thinkMs, load_avg_before: loadBefore,
        turns: turnCount, caller_turns: callerTurns,
        turns_per_s: round1(turnCount / load.seconds),
        p50_ms: s.p50, p95_ms: s.p95, p99_ms: s.p99, max_ms: s.max, mean_ms: round1(s.mean),
        errors, lost_messages: expected - stored.messages, doubled_messages: stored.doubled,
        rss_mb: rssMb,
        // CPU per turn of each process: where the machine's two cores go.
        cpu_ms_per_turn: {
          functions: round1((1000 * cpuSeconds.functions) / turnCount),
          postgres: round1((1000 * cpuSeconds.postgres) / turnCount),
          worker: round1((1000 * cpuSeconds.worker) / turnCount),
          dashboard: round1((1000 * cpuSeconds.dashboard) / turnCount),
          bench: round1((1000 * cpuSeconds.bench) / turnCount),
        },
        baseline_p50_ms: b.p50, baseline_p99_ms: b.p99, baseline_errors: baseline.errors,
        p50_vs_baseline: round1(s.p50 / b.p50),
        live,
        cold_start: phase === counts.length - 1 ? coldStart : null,
        ...(fault ? {
          fault: {
            kind: fault, ...faultTimes, deadline_ms: deadlineMs,
            answers_past_deadline: answers.filter((ms) => ms > deadlineMs).length,
            answers_past_15s: answers.filter((ms) => ms > 15_000).length,
            slowest_answer_ms: Math.round(Math.max(0, ...answers)),
            holding_answers: load.outcomes.reduce((n, o) => n + o.holds, 0),
            caller_turns_not_stored: callerTurns - (storedCaller ?? 0),
          },
          load_avg_after: round1(loadavg()[0]!),
        } : {}),
      };
      const details = load.outcomes.flatMap((o) => o.errorDetails);
      printTable(figures, details);
      if (flag('json')) console.log(JSON.stringify(figures));
    }
  } finally {
    if (!flag('keep-data')) await removeBenchCalls(sql).catch(() => {});
    await sql.end();
  }
}

/**
 * --fault postgres-restart: stop the stack's Postgres a few seconds into the load, then start it,
 * from a child process (pg_ctl's waits would otherwise stall this process's callers).
 */
async function restartPostgresDuring(profile: string, loadStarted: number) {
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['tools/bench/fault.ts', '--profile', profile,
    '--fault-at-s', String(option('fault-at-s', 5) - (Date.now() - loadStarted) / 1000),
    '--fault-down-s', String(option('fault-down-s', 3))], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the Postgres restart failed (exit ${code})`);
  const t = JSON.parse(out.trim().split('\n').at(-1)!) as { stopped_at: number; started_at: number };
  const at = (ms: number) => round1((ms - loadStarted) / 1000);
  say(`fault: Postgres stopped at ${at(t.stopped_at)} s and started again at ${at(t.started_at)} s`);
  return { stopped_at_s: at(t.stopped_at), started_at_s: at(t.started_at) };
}

async function realtimeBench(profile: ReturnType<typeof profileFrom>): Promise<void> {
  const layout = stackLayout(profile);
  const calls = Math.max(1, Math.floor(option('calls', 20)));
  const turns = Math.max(1, Math.floor(option('turns', 4)));
  const target = await resolveTarget(profile);
  if (!target.functionsUp) throw new Error(`the ${profile} stack's functions are not up: npm run stack:up -- --profile ${profile}`);
  assertLocalDatabase(target.dbUrl, [target.stackDbUrl!]);
  const sql = postgres(target.dbUrl, { max: 2, onnotice: () => {} });
  try {
    await removeBenchCalls(sql);
    const loadBefore = round1(loadavg()[0]!);
    say('warm-up: 2 realtime calls x 1 turn');
    await runRealtimeCalls(target, { calls: 2, turns: 1, firstCaller: 9000 });
    say(`load: ${calls} concurrent realtime calls x ${turns} utterances (real-time audio)`);
    const pids = { ...stackPids(layout), standIn: null as number | null };
    const standInPid = readPidNumber(`${layout.dir}/realtime-api.pid`);
    const rss = rssSampler(pids);
    const cpu = cpuMeter(pids);
    const standInCpu = cpuMeter({ functions: standInPid, postgres: null, worker: null });
    // The simulated Twilio runs in this process: its own lateness delays the moment audio is
    // seen to arrive, and is reported beside the overhead (Twilio's servers are not this loop).
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const load = await runRealtimeCalls(target, { calls, turns });
    loopDelay.disable();
    const cpuSeconds = cpu.stop();
    const standInSeconds = standInCpu.stop().functions;
    const rssMb = rss.stop();
    const callerTurns = load.outcomes.reduce((n, o) => n + o.callerTurns, 0);
    const expected = load.outcomes.length + 2 * callerTurns;
    await new Promise((r) => setTimeout(r, 1500));
    const stored = await storedMessages(sql, load.outcomes.map((o) => o.callSid));
    const overhead = summarise(load.outcomes.flatMap((o) => o.overheadsMs));
    const v2v = summarise(load.outcomes.flatMap((o) => o.voiceToVoiceMs));
    const perCall = (seconds: number) => round1((1000 * seconds) / calls);
    const figures = {
      profile, mode: 'realtime', calls, utterances_per_call: turns, load_avg_before: loadBefore, seconds: round1(load.seconds),
      caller_turns: callerTurns,
      errors: load.outcomes.reduce((n, o) => n + o.errors, 0),
      lost_messages: expected - stored.messages, doubled_messages: stored.doubled,
      first_audio_overhead_p50_ms: round1(overhead.p50), first_audio_overhead_p99_ms: round1(overhead.p99),
      first_audio_overhead_max_ms: round1(overhead.max), replies_timed: overhead.count,
      bench_loop_delay_p99_ms: round1(loopDelay.percentile(99) / 1e6), bench_loop_delay_max_ms: round1(loopDelay.max / 1e6),
      voice_to_voice_p50_ms: v2v.p50, voice_to_voice_p99_ms: v2v.p99,
      cpu_ms_per_call: { functions: perCall(cpuSeconds.functions), postgres: perCall(cpuSeconds.postgres),
        standin: perCall(standInSeconds), bench: perCall(cpuSeconds.bench) },
      rss_mb: rssMb,
      functions_rss_mb_per_call: round1(rssMb.functions / calls),
    };
    const details = load.outcomes.flatMap((o) => o.errorDetails);
    process.stderr.write(`${JSON.stringify(figures, null, 2)}\n`);
    for (const d of details.slice(0, 20)) process.stderr.write(`  error: ${d}\n`);
    if (flag('json')) console.log(JSON.stringify(figures));
  } finally {
    if (!flag('keep-data')) await removeBenchCalls(sql).catch(() => {});
    await sql.end();
  }
}

function readPidNumber(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    return Number.isInteger(pid) ? pid : null;
  } catch {
    return null;
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
