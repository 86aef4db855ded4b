import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { DialResult, WhisperAction } from './call.ts';

/** How a scenario expects the call to end. */
export type EndedExpectation = 'transfer' | 'agent_hangup' | 'caller_hangup';
/** One caller action, with what the agent's answer to it must (not) say. */
export type ScenarioTurn = ({ say: string } | { digits: string } | { silence: true }) & {
  expect_reply?: string[]; expect_reply_not?: string[];
  /** The caller cuts in this many ms into the agent's previous reply (barge-in). */
  interrupt_after_ms?: number;
};
/** A customers row that exists before the call. */
export type GivenCustomer = Partial<Record<(typeof CUSTOMER_FIELDS)[number], string | number>>;
/** One scripted call (format: tests/scenarios/README.md). */
export type Scenario = {
  name: string;
  caller: string;
  /** whisper: what the team member does after a warm transfer's whisper (press 1 = accept, the default). */
  given: { hours?: 'open' | 'closed'; customer?: GivenCustomer; dial_result?: DialResult; whisper?: WhisperAction };
  turns: ScenarioTurn[];
  expect: CallExpect;
  /**
   * Further calls from the same caller, played in order after the first without resetting what
   * the database learnt about them (what was learnt must stay).
   */
  later_calls?: LaterCall[];
};
/** What must hold after one call. */
export type CallExpect = {
  ended?: EndedExpectation | EndedExpectation[];
  transfer_to?: string;
  escalated?: boolean;
  customer?: Record<string, string>;
  scheduled_task?: { task_type: string; local_time?: string };
  greeting?: string[];
  messages_min?: number;
  /** Regular expressions the team member's whisper must all match. */
  whisper?: string[];
};
/** Another call from the scenario's caller. */
export type LaterCall = { turns: ScenarioTurn[]; expect: CallExpect };
/** A scenario file, read or not. */
export type LoadedScenario = { file: string; scenario: Scenario } | { file: string; error: string };

export const CUSTOMER_FIELDS = ['name', 'company', 'email', 'need', 'timeline', 'lead_status', 'lead_score', 'notes'] as const;
const ENDINGS = ['transfer', 'agent_hangup', 'caller_hangup'];
const DIAL_RESULTS = ['completed', 'busy', 'no-answer', 'failed', 'canceled'];

/** A scenario that does not follow the format; lists every problem at once. */
export class ScenarioFormatError extends Error {
  override name = 'ScenarioFormatError';
}

/** Validates parsed JSON as a scenario. */
export function parseScenario(json: unknown): Scenario {
  const problems: string[] = [];
  const need = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };
  const s = isObject(json) ? json : {};
  need(isObject(json), 'a scenario is a JSON object');
  onlyKeys(s, ['name', 'caller', 'given', 'turns', 'expect', 'later_calls'], '', problems);
  need(typeof s.name === 'string' && s.name.length > 0, 'name: a non-empty string');
  need(typeof s.caller === 'string' && /^\+[1-9][0-9]{6,14}$/.test(s.caller), 'caller: an E.164 number');
  const given = isObject(s.given) ? s.given : {};
  need(s.given === undefined || isObject(s.given), 'given: an object');
  onlyKeys(given, ['hours', 'customer', 'dial_result', 'whisper'], 'given.', problems);
  need(given.whisper === undefined || ['accept', 'decline', 'silent'].includes(given.whisper as string), 'given.whisper: accept, decline or silent');
  need(given.hours === undefined || given.hours === 'open' || given.hours === 'closed', 'given.hours: "open" or "closed"');
  need(given.dial_result === undefined || DIAL_RESULTS.includes(given.dial_result as string), `given.dial_result: one of ${DIAL_RESULTS.join(', ')}`);
  if (given.customer !== undefined) {
    need(isObject(given.customer), 'given.customer: an object');
    if (isObject(given.customer)) onlyKeys(given.customer, [...CUSTOMER_FIELDS], 'given.customer.', problems);
  }
  checkCall(s, '', problems);
  need(s.later_calls === undefined || Array.isArray(s.later_calls), 'later_calls: an array of { turns, expect }');
  (Array.isArray(s.later_calls) ? s.later_calls : []).forEach((call, i) => {
    const where = `later_calls[${i}].`;
    if (!isObject(call)) return void problems.push(`later_calls[${i}]: an object`);
    onlyKeys(call, ['turns', 'expect'], where, problems);
    checkCall(call, where, problems);
  });
  if (problems.length > 0) throw new ScenarioFormatError(problems.join('; '));
  const expect = isObject(s.expect) ? s.expect : {};
  const later = Array.isArray(s.later_calls)
    ? { later_calls: (s.later_calls as Record<string, unknown>[]).map((c) => ({ turns: c.turns, expect: isObject(c.expect) ? c.expect : {} }) as LaterCall) }
    : {};
  return { ...(s as Scenario), given: given as Scenario['given'], expect: expect as CallExpect, ...later };
}

/** Checks one call's turns and expectations (the scenario's first call, or a later one). */
function checkCall(s: Record<string, unknown>, prefix: string, problems: string[]): void {
  const need = (ok: boolean, problem: string) => { if (!ok) problems.push(problem); };
  need(Array.isArray(s.turns), `${prefix}turns: an array`);
  (Array.isArray(s.turns) ? s.turns : []).forEach((turn, i) => checkTurn(turn, `${prefix}turns[${i}]`, problems));
  const expect = isObject(s.expect) ? s.expect : {};
  need(s.expect === undefined || isObject(s.expect), `${prefix}expect: an object`);
  onlyKeys(expect, ['ended', 'transfer_to', 'escalated', 'customer', 'scheduled_task', 'greeting', 'messages_min', 'whisper'], `${prefix}expect.`, problems);
  const endings = expect.ended === undefined ? [] : [expect.ended].flat();
  need(endings.every((e) => ENDINGS.includes(e as string)), `${prefix}expect.ended: one or a list of ${ENDINGS.join(', ')}`);
  need(expect.transfer_to === undefined || typeof expect.transfer_to === 'string', `${prefix}expect.transfer_to: a string`);
  need(expect.escalated === undefined || typeof expect.escalated === 'boolean', `${prefix}expect.escalated: true or false`);
  need(expect.customer === undefined || (isObject(expect.customer) && Object.values(expect.customer).every((v) => typeof v === 'string')), `${prefix}expect.customer: an object of strings`);
  const task = expect.scheduled_task;
  need(task === undefined || (isObject(task) && typeof task.task_type === 'string' && (task.local_time === undefined || /^\d\d:\d\d$/.test(String(task.local_time)))), `${prefix}expect.scheduled_task: { task_type, local_time "HH:MM" }`);
  need(expect.messages_min === undefined || Number.isInteger(expect.messages_min), `${prefix}expect.messages_min: an integer`);
  checkPatterns(expect.greeting, `${prefix}expect.greeting`, problems);
  checkPatterns(expect.whisper, `${prefix}expect.whisper`, problems);
}

function checkTurn(turn: unknown, where: string, problems: string[]): void {
  if (!isObject(turn)) return void problems.push(`${where}: an object`);
  onlyKeys(turn, ['say', 'digits', 'silence', 'expect_reply', 'expect_reply_not', 'interrupt_after_ms'], `${where}.`, problems);
  if (turn.interrupt_after_ms !== undefined && !(Number.isInteger(turn.interrupt_after_ms) && (turn.interrupt_after_ms as number) >= 0 && (turn.interrupt_after_ms as number) <= 60_000)) {
    problems.push(`${where}.interrupt_after_ms: whole milliseconds from 0 to 60000`);
  }
  if (turn.interrupt_after_ms !== undefined && turn.silence !== undefined) problems.push(`${where}: silence cannot cut in`);
  const actions = ['say', 'digits', 'silence'].filter((key) => turn[key] !== undefined);
  if (actions.length !== 1) problems.push(`${where}: exactly one of say, digits, silence`);
  if (turn.say !== undefined && typeof turn.say !== 'string') problems.push(`${where}.say: a string`);
  if (turn.digits !== undefined && !(typeof turn.digits === 'string' && /^[0-9*#]+$/.test(turn.digits))) problems.push(`${where}.digits: keys 0-9 * #`);
  if (turn.silence !== undefined && turn.silence !== true) problems.push(`${where}.silence: true`);
  checkPatterns(turn.expect_reply, `${where}.expect_reply`, problems);
  checkPatterns(turn.expect_reply_not, `${where}.expect_reply_not`, problems);
}

function checkPatterns(patterns: unknown, where: string, problems: string[]): void {
  if (patterns === undefined) return;
  if (!Array.isArray(patterns) || !patterns.every((p) => typeof p === 'string')) return void problems.push(`${where}: a list of regular expressions`);
  for (const pattern of patterns) {
    try { new RegExp(pattern, 'i'); } catch { problems.push(`${where}: invalid regular expression /${pattern}/`); }
  }
}

function onlyKeys(object: Record<string, unknown>, allowed: string[], prefix: string, problems: string[]): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) problems.push(`${prefix}${key}: unknown field`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads one scenario file, or every *.json of a folder sorted by name. */
export async function loadScenarios(fileOrDir: string): Promise<LoadedScenario[]> {
  const files = (await stat(fileOrDir)).isDirectory()
    ? (await readdir(fileOrDir)).filter((name) => name.endsWith('.json')).sort().map((name) => join(fileOrDir, name))
    : [fileOrDir];
  return Promise.all(files.map(async (file): Promise<LoadedScenario> => {
    try {
      return { file, scenario: parseScenario(JSON.parse(await readFile(file, 'utf-8'))) };
    } catch (error) {
      return { file, error: `${basename(file)}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }));
}
