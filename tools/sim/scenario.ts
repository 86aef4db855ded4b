import postgres, { type Sql } from 'postgres';
import { CallSession, type EndReason, type RequestLog, type Turn } from './call.ts';
import type { CallerInput } from './caller-input.ts';
import { checkExpectations, type DbFacts } from './expectations.ts';
import { applyGiven, assertLocalDatabase, databaseNow, readFacts, resetCaller, waitForAnalysis, waitForCallClosed } from './scenario-db.ts';
import { loadScenarios, type Scenario, type ScenarioTurn } from './scenario-file.ts';

/** Where calls go: the stack's functions and database, and Twilio's side of the number. */
export type SimTarget = {
  functionsUrl: string;
  dbUrl: string;
  authToken: string;
  accountSid: string;
  toNumber: string;
  /** The database URL the stack reports; asked from the stack when absent. */
  stackDbUrl?: string;
  /** Pins the voice mode of every call (`--mode`); absent: the agent config's. */
  mode?: 'gather' | 'relay';
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
export async function playScenario(scenario: Scenario, target: SimTarget, options: { sql?: Sql; file?: string } = {}): Promise<ScenarioResult> {
  if (!options.sql) assertLocalDatabase(target.dbUrl, await stackDbUrls(target));
  const sql = options.sql ?? connect(target.dbUrl);
  try {
    await resetCaller(sql, scenario.caller);
    const restoreHours = await applyGiven(sql, scenario);
    try {
      const calls = [{ turns: scenario.turns, expect: scenario.expect }, ...(scenario.later_calls ?? [])];
      const played: PlayedCall[] = [];
      for (const [i, call] of calls.entries()) {
        const one = await playCall({ ...scenario, turns: call.turns, expect: call.expect }, target, sql);
        played.push({ ...one, failures: i === 0 ? one.failures : one.failures.map((f) => `call ${i + 1}: ${f}`) });
      }
      const first = played[0]!;
      const last = played[played.length - 1]!;
      const failures = played.flatMap((p) => p.failures);
      return {
        name: scenario.name, file: options.file ?? null, call_sid: first.session.callSid, conversation_id: first.conversationId,
        turns: played.flatMap((p) => p.session.turns), ended: last.session.ended, dialed: last.session.dialed,
        passed: failures.length === 0, failures, warnings: played.flatMap((p) => p.session.warnings),
        requests: played.flatMap((p) => p.session.requests),
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
async function playCall(scenario: Scenario, target: SimTarget, sql: Sql): Promise<PlayedCall> {
  const since = await databaseNow(sql);
  const session = new CallSession({
    ...webhookUrls(target.functionsUrl), authToken: target.authToken, accountSid: target.accountSid,
    from: scenario.caller, to: target.toNumber, dialResult: scenario.given.dial_result, whisper: scenario.given.whisper,
    mode: target.mode,
  });
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
 * Plays a scenario file, or every *.json of a folder in name order, one call at a time (they
 * share the agent's hours override). A file that cannot be read or played is a failed result.
 */
export async function playScenarioFiles(fileOrDir: string, target: SimTarget, onResult?: (result: ScenarioResult) => void): Promise<ScenarioResult[]> {
  assertLocalDatabase(target.dbUrl, await stackDbUrls(target));
  const sql = connect(target.dbUrl);
  const results: ScenarioResult[] = [];
  try {
    for (const loaded of await loadScenarios(fileOrDir)) {
      let result: ScenarioResult;
      if ('error' in loaded) result = failedResult(loaded.file, loaded.file, loaded.error);
      else {
        try {
          result = await playScenario(loaded.scenario, target, { sql, file: loaded.file });
        } catch (error) {
          result = failedResult(loaded.scenario.name, loaded.file, messageOf(error));
        }
      }
      results.push(result);
      onResult?.(result);
    }
  } finally {
    await sql.end();
  }
  return results;
}

/** Plays the turns in order; hangs up after the last one if the agent has not ended the call. */
async function playTurns(session: CallSession, turns: ScenarioTurn[]): Promise<void> {
  await session.start();
  for (const turn of turns) {
    if (session.ended) return;
    await session.send(callerInput(turn), { interruptAfterMs: turn.interrupt_after_ms });
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

function connect(dbUrl: string): Sql {
  return postgres(dbUrl, { max: 2, onnotice: () => {}, connect_timeout: 5 });
}

function failedResult(name: string, file: string, failure: string): ScenarioResult {
  return { name, file, call_sid: null, conversation_id: null, turns: [], ended: null, dialed: null, passed: false, failures: [failure], warnings: [], requests: [] };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
