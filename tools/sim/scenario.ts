import postgres, { type Sql } from 'postgres';
import { speak } from '../../supabase/functions/_shared/testing/realtime/audio.ts';
import { CallSession, type EndReason, type RequestLog, type Turn } from './call.ts';
import type { CallerInput } from './caller-input.ts';
import { checkExpectations, type DbFacts } from './expectations.ts';
import { applyGiven, assertLocalDatabase, databaseNow, readFacts, resetCaller, waitForAnalysis, waitForCallClosed } from './scenario-db.ts';
import { type LoadedScenario, loadScenarios, type Scenario, type ScenarioTurn } from './scenario-file.ts';
import { inPool } from './pool.ts';

/** Realtime calls played at once by default (each costs about 2 % of a core: the pace is the wall clock's). */
export const REALTIME_CONCURRENCY = 8;

/** Where calls go: the stack's functions and database, and Twilio's side of the number. */
export type SimTarget = {
  functionsUrl: string;
  dbUrl: string;
  authToken: string;
  accountSid: string;
  toNumber: string;
  /** The database URL the stack reports; asked from the stack when absent. */
  stackDbUrl?: string;
  /** The local Realtime API stand-in's test channel, for calls in realtime voice mode. */
  realtime?: { standInUrl: string; standInCa: string };
  /** Pins the voice mode of every call (`--mode`); absent: the agent config's. */
  mode?: Exclude<SimMode, 'config'>;
};

/** The outcome of one scenario; the README's JSON fields plus diagnostics. */
export type ScenarioResult = {
  name: string;
  file: string | null;
  call_sid: string | null;
  conversation_id: string | null;
  turns: Turn[];
  ended: EndReason | null;
  dialed: string | null;
  passed: boolean;
  failures: string[];
  warnings: string[];
  requests: RequestLog[];
  /** Wall time of the scenario's calls. */
  ms?: number;
};

/** The Voice URL and status callback of the local stack's functions. */
export function webhookUrls(functionsUrl: string): { voiceUrl: string; statusCallbackUrl: string } {
  const base = functionsUrl.replace(/\/+$/, '');
  return { voiceUrl: `${base}/twilio-voice`, statusCallbackUrl: `${base}/twilio-status` };
}

/**
 * Plays one scenario: resets the caller's data, applies `given`, makes the call, checks every
 * expectation. Throws UnsafeDatabaseError (before touching anything) for a non-local database.
 * `options.sql` is an open connection the caller has already checked with assertLocalDatabase.
 */
/** How the simulator answers: `config` lets the agent config choose; the others pin the mode on the Voice URL. */
export type SimMode = 'config' | 'gather' | 'relay' | 'realtime';

export async function playScenario(scenario: Scenario, target: SimTarget, options: { sql?: Sql; file?: string; mode?: SimMode; hoursSet?: boolean } = {}): Promise<ScenarioResult> {
  if (!options.sql) assertLocalDatabase(target.dbUrl, await stackDbUrls(target));
  const sql = options.sql ?? connect(target.dbUrl);
  const started = performance.now();
  try {
    await resetCaller(sql, scenario.caller);
    const restoreHours = await applyGiven(sql, scenario, { hours: !options.hoursSet });
    try {
      const calls = [{ turns: scenario.turns, expect: scenario.expect }, ...(scenario.later_calls ?? [])];
      const played: PlayedCall[] = [];
      for (const [i, call] of calls.entries()) {
        const one = await playCall({ ...scenario, turns: call.turns, expect: call.expect }, target, sql, options.mode ?? target.mode ?? 'config');
        played.push({ ...one, failures: i === 0 ? one.failures : one.failures.map((f) => `call ${i + 1}: ${f}`) });
      }
      const first = played[0]!;
      const last = played[played.length - 1]!;
      const failures = played.flatMap((p) => p.failures);
      return {
        name: scenario.name, file: options.file ?? null, call_sid: first.session.callSid, conversation_id: first.conversationId,
        turns: played.flatMap((p) => p.session.turns), ended: last.session.ended, dialed: last.session.dialed,
        passed: failures.length === 0, failures, warnings: played.flatMap((p) => p.session.warnings),
        requests: played.flatMap((p) => p.session.requests), ms: Math.round(performance.now() - started),
      };
    } finally {
      await restoreHours();
    }
  } finally {
    if (!options.sql) await sql.end();
  }
}

type PlayedCall = { session: CallSession; conversationId: string | null; failures: string[] };

/** One call of a scenario, from the caller's number as it is now, checked on its own. */
async function playCall(scenario: Scenario, target: SimTarget, sql: Sql, mode: SimMode): Promise<PlayedCall> {
  const since = await databaseNow(sql);
  const urls = webhookUrls(target.functionsUrl);
  const session = new CallSession({
    ...urls, authToken: target.authToken, accountSid: target.accountSid, realtime: target.realtime,
    from: scenario.caller, to: target.toNumber, dialResult: scenario.given.dial_result, whisper: scenario.given.whisper,
    mode: mode === 'config' ? undefined : mode,
  });
  // Audio for every line is made before the call, as a caller knows what they will say.
  if (mode === 'realtime') await Promise.all(scenario.turns.map((t) => ('say' in t ? speak(t.say) : null)));
  await playTurns(session, scenario.turns);
  let facts: (DbFacts & { conversationId: string | null }) | null = null;
  const dbFailures: string[] = [];
  try {
    const sc = session.statusCallback;
    if (sc && 'status' in sc && sc.status >= 200 && sc.status < 300) await waitForCallClosed(sql, session.callSid);
    // A lead's score and status are the after-call analysis's: wait for the jobs worker to store it.
    const customer = scenario.expect.customer ?? {};
    if ('lead_score' in customer || 'lead_status' in customer) await waitForAnalysis(sql, session.callSid);
    facts = await readFacts(sql, { callSid: session.callSid, caller: scenario.caller, since });
  } catch (error) {
    dbFailures.push(`database: ${messageOf(error)}`);
  }
  const failures = [...checkExpectations(scenario, session, facts), ...dbFailures];
  return { session, conversationId: facts?.conversationId ?? null, failures };
}

/**
 * Plays scenario files, or every *.json of folders in name order, one call at a time (they share
 * the agent's hours override); in realtime mode `concurrency` at a time, grouped by hours. A file
 * that cannot be read or played is a failed result. Results come in file order.
 */
export async function playScenarioFiles(fileOrDir: string | string[], target: SimTarget, onResult?: (result: ScenarioResult) => void,
  options: { mode?: SimMode; files?: string[]; skip?: string[]; concurrency?: number } = {}): Promise<ScenarioResult[]> {
  assertLocalDatabase(target.dbUrl, await stackDbUrls(target));
  options = { ...options, mode: options.mode ?? target.mode };
  const concurrency = options.concurrency ?? REALTIME_CONCURRENCY;
  const sql = connect(target.dbUrl, options.mode === 'realtime' ? concurrency + 2 : 2);
  const play = async (loaded: LoadedScenario, hoursSet = false): Promise<ScenarioResult> => {
    if ('error' in loaded) return failedResult(loaded.file, loaded.file, loaded.error);
    try {
      return await playScenario(loaded.scenario, target, { sql, file: loaded.file, mode: options.mode, hoursSet });
    } catch (error) {
      return failedResult(loaded.scenario.name, loaded.file, messageOf(error));
    }
  };
  try {
    let loaded = (await Promise.all([fileOrDir].flat().map(loadScenarios))).flat();
    if (options.files) loaded = loaded.filter((l) => options.files!.some((f) => l.file.endsWith(f)));
    if (options.skip) loaded = loaded.filter((l) => !options.skip!.some((f) => l.file.endsWith(f)));
    if (options.mode !== 'realtime') {
      const results: ScenarioResult[] = [];
      for (const one of loaded) {
        const result = await play(one);
        results.push(result);
        onResult?.(result);
      }
      return results;
    }
    return await playAtOnce(sql, loaded, concurrency, (one) => play(one, true), onResult);
  } finally {
    await sql.end();
  }
}

/**
 * Streamed calls take real time (audio at real-time pace, the wall clock's, not the CPU's): calls
 * that set the same business hours (and come from different callers) play at once, the longest
 * first so that the group does not end waiting for one long call.
 */
async function playAtOnce(sql: Sql, loaded: LoadedScenario[], concurrency: number,
  play: (one: LoadedScenario) => Promise<ScenarioResult>, onResult?: (result: ScenarioResult) => void): Promise<ScenarioResult[]> {
  const groups = new Map<string, LoadedScenario[]>();
  for (const one of loaded) {
    const key = 'error' in one ? 'error' : JSON.stringify(one.scenario.given.hours ?? null);
    groups.set(key, [...(groups.get(key) ?? []), one]);
  }
  const byFile = new Map<string, ScenarioResult>();
  for (const group of groups.values()) {
    const first = group[0]!;
    const restore = 'error' in first ? async () => {} : await applyGiven(sql, { ...first.scenario, given: { hours: first.scenario.given.hours } });
    try {
      const longestFirst = [...group].sort((a, b) => expectedLength(b) - expectedLength(a));
      const results = await inPool(longestFirst, concurrency, (one) => ('error' in one ? one.file : one.scenario.caller), play, onResult);
      longestFirst.forEach((one, i) => byFile.set(one.file, results[i]!));
    } finally {
      await restore();
    }
  }
  return loaded.map((one) => byFile.get(one.file)!);
}

/** A rough length of a scenario's calls (turns, and a greeting per call). */
function expectedLength(one: LoadedScenario): number {
  if ('error' in one) return 0;
  const calls = [one.scenario, ...(one.scenario.later_calls ?? [])];
  return calls.reduce((n, call) => n + 10 + 8 * call.turns.length, 0);
}

/** Plays the turns in order; hangs up after the last one if the agent has not ended the call. */
async function playTurns(session: CallSession, turns: ScenarioTurn[]): Promise<void> {
  await session.start();
  for (const [i, turn] of turns.entries()) {
    if (session.ended) return;
    // A line spoken over the agent: the answer before it is cut once that much of it has played.
    const next = turns[i + 1];
    const cutAfterMs = next && 'say' in next ? next.interrupt_after_ms : undefined;
    const bargeIn = 'say' in turn && turn.interrupt_after_ms !== undefined;
    await session.send(callerInput(turn), session.listening?.kind === 'stream' ? { cutAfterMs, bargeIn } : {});
  }
  await session.hangup();
}

function callerInput(turn: ScenarioTurn): CallerInput {
  if ('say' in turn) return { kind: 'speech', text: turn.say };
  if ('digits' in turn) return { kind: 'digits', digits: turn.digits };
  return { kind: 'silence' };
}

async function stackDbUrls(target: SimTarget): Promise<string[]> {
  if (target.stackDbUrl) return [target.stackDbUrl];
  const { stackStatus } = await import('../stack/status.ts');
  return [(await stackStatus('dev')).db_url, (await stackStatus('test')).db_url];
}

function connect(dbUrl: string, max = 2): Sql {
  return postgres(dbUrl, { max, onnotice: () => {}, connect_timeout: 5 });
}

function failedResult(name: string, file: string, failure: string): ScenarioResult {
  return { name, file, call_sid: null, conversation_id: null, turns: [], ended: null, dialed: null, passed: false, failures: [failure], warnings: [], requests: [] };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
