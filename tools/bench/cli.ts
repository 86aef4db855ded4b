/**
 * `npm run bench`: N simulated calls at once against the running stack, each many turns, then
 * the same load against a static TwiML route (the HTTP stack's own cost), then a cold start.
 *   --calls N (100)  --turns T per call (10)  --think-ms MS between turns (0)  --profile dev|test
 *   --json (last line: the figures as JSON)  --no-cold-start  --keep-data (leave the bench's rows)
 *   --functions-pid PID (measure this server instead, with SIM_FUNCTIONS_URL pointing at it)
 *   --fault postgres-restart: stop the stack's Postgres --fault-at-s S (5) into the load for
 *     --fault-down-s S (3), then start it; reports answers past the webhook deadline (10 s) and
 *     past Twilio's 15 s, and the caller turns not stored once the functions have caught up
 */
import { loadavg } from 'node:os';
import postgres from 'postgres';
import { profileFrom, stackLayout } from '../stack/config.ts';
import { resolveTarget } from '../sim/target.ts';
import { assertLocalDatabase } from '../sim/scenario-db.ts';
import { runBaseline, runCalls } from './load.ts';
import { removeBenchCalls, storedMessages } from './db.ts';
import { cpuMeter, rssSampler, stackPids } from './procs.ts';
import { measureColdStart, type ColdStart } from './cold-start.ts';
import { round1, summarise } from './stats.ts';
import { printTable } from './report.ts';
import { startPostgres, stopPostgres } from '../stack/postgres.ts';

function textOption(name: string): string | null {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? null : process.argv[i + 1] ?? null;
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const value = Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

const flag = (name: string) => process.argv.includes(`--${name}`);
const say = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function main(): Promise<void> {
  const profile = profileFrom(process.argv);
  const layout = stackLayout(profile);
  const calls = Math.max(1, Math.floor(option('calls', 100)));
  const turns = Math.max(1, Math.floor(option('turns', 10)));
  const thinkMs = option('think-ms', 0);
  const target = await resolveTarget(profile);
  if (!target.functionsUp) throw new Error(`the ${profile} stack's functions are not up: npm run stack:up -- --profile ${profile}`);
  assertLocalDatabase(target.dbUrl, [target.stackDbUrl!]);
  const sql = postgres(target.dbUrl, { max: 2, onnotice: () => {} });
  try {
    await removeBenchCalls(sql);
    // Other work on the machine skews every figure; it is reported beside them.
    const loadBefore = round1(loadavg()[0]!);
    say(`warm-up: ${Math.min(calls, 20)} calls x 3 turns`);
    await runCalls(target, { calls: Math.min(calls, 20), turns: 3, thinkMs: 0, firstCaller: 9000 });
    await runBaseline(target, { calls: Math.min(calls, 20), turns: 3, thinkMs: 0 });

    say(`baseline: ${calls} concurrent x ${turns + 1} posts to /_baseline`);
    const baseline = await runBaseline(target, { calls, turns, thinkMs });

    say(`load: ${calls} concurrent calls x ${turns} turns, think ${thinkMs} ms`);
    const pids = stackPids(layout);
    if (process.argv.includes('--functions-pid')) pids.functions = option('functions-pid', 0);
    const rss = rssSampler(pids);
    const cpu = cpuMeter(pids);
    const fault = textOption('fault');
    if (fault && fault !== 'postgres-restart') throw new Error('--fault knows only postgres-restart');
    const faultAt = option('fault-at-s', 5);
    const faultDown = option('fault-down-s', 3);
    let faultDone: Promise<{ stopped_at_s: number; started_at_s: number }> | null = null;
    const loadStarted = performance.now();
    if (fault) {
      faultDone = (async () => {
        await new Promise((r) => setTimeout(r, faultAt * 1000));
        say(`fault: stopping Postgres at ${faultAt} s`);
        const stoppedAt = (performance.now() - loadStarted) / 1000;
        stopPostgres(layout);
        await new Promise((r) => setTimeout(r, faultDown * 1000));
        await startPostgres(layout);
        const startedAt = (performance.now() - loadStarted) / 1000;
        say(`fault: Postgres started again at ${round1(startedAt)} s`);
        return { stopped_at_s: round1(stoppedAt), started_at_s: round1(startedAt) };
      })();
    }
    const load = await runCalls(target, { calls, turns, thinkMs });
    const faultTimes = faultDone ? await faultDone : null;
    const cpuSeconds = cpu.stop();
    const rssMb = rss.stop();

    const latencies = load.outcomes.flatMap((o) => o.latencies);
    const turnCount = latencies.length;
    const callerTurns = load.outcomes.reduce((n, o) => n + o.callerTurns, 0);
    const errors = load.outcomes.reduce((n, o) => n + o.errors, 0);
    // Each greeting is one agent message; each caller turn is the caller's words and the reply.
    const expected = load.outcomes.length + 2 * callerTurns;
    let stored = await storedMessages(sql, load.outcomes.map((o) => o.callSid));
    if (fault) {
      // Turns said during the outage are held by the functions and written when it is back.
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

    let coldStart: ColdStart | null = null;
    if (!flag('no-cold-start')) {
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
        bench: round1((1000 * cpuSeconds.bench) / turnCount),
      },
      baseline_p50_ms: b.p50, baseline_p99_ms: b.p99, baseline_errors: baseline.errors,
      p50_vs_baseline: round1(s.p50 / b.p50),
      cold_start: coldStart,
      ...(fault ? {
        fault: {
          kind: fault, ...faultTimes,
          answers_past_10s: latencies.filter((ms) => ms > 10_000).length,
          answers_past_15s: latencies.filter((ms) => ms > 15_000).length,
          slowest_answer_ms: s.max,
          caller_turns_not_stored: callerTurns - (storedCaller ?? 0),
        },
      } : {}),
    };
    const details = load.outcomes.flatMap((o) => o.errorDetails);
    printTable(figures, details);
    if (flag('json')) console.log(JSON.stringify(figures));
  } finally {
    if (!flag('keep-data')) await removeBenchCalls(sql).catch(() => {});
    await sql.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
