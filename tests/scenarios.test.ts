/**
 * The conversation regression suite as a test: the simulator plays every scripted call (ours in
 * tests/scenarios and tests/calls/scenarios, and the extra set where a machine has one) against
 * the running test stack, as Twilio would, and every expectation must hold. `npm test` also plays
 * them through `npm run call` to check the CLI.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../tools/stack/config.ts';
import { playScenarioFiles, type SimTarget } from '../tools/sim/scenario.ts';
import { callScenarioDir, extraScenarioDir, ownScenarioDir } from '../tools/test/scenario-dirs.ts';
import { skipWithout } from './support/stack-env.ts';

const env = process.env;
const target: SimTarget | null = env.TEST_FUNCTIONS_URL && env.TEST_DB_URL && env.TEST_TWILIO_AUTH_TOKEN
  ? {
    functionsUrl: env.TEST_FUNCTIONS_URL,
    dbUrl: env.TEST_DB_URL,
    stackDbUrl: env.TEST_DB_URL,
    authToken: env.TEST_TWILIO_AUTH_TOKEN,
    accountSid: env.TEST_TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`,
    toNumber: env.TEST_TWILIO_NUMBER ?? '+15550100000',
    realtime: env.TEST_REALTIME_STANDIN_URL
      ? { standInUrl: env.TEST_REALTIME_STANDIN_URL, standInCa: readFileSync(env.TEST_REALTIME_STANDIN_CA!, 'utf8') }
      : undefined,
  }
  : null;

/**
 * Realtime mode streams real audio at real-time pace: a scenario lasts as long as its call (30 s
 * to 2 min), but costs little CPU (about 2 % of a core per call, BENCHMARKS.md), so npm test plays
 * every scenario of our own folders in realtime, this many at once (grouped by business hours).
 */
const REALTIME_AT_ONCE = Number(env.TEST_REALTIME_CONCURRENCY ?? 32);
/**
 * Scenarios that cannot apply to a realtime call, with the reason. Empty: every scenario of
 * tests/scenarios and tests/calls/scenarios is a call the caller can make in realtime mode
 * (calls pinned to gather, like campaign calls and recording consent, live in other folders).
 */
const NOT_REALTIME: { file: string; reason: string }[] = [];

const extra = extraScenarioDir();
// tests/calls/scenarios: flows of the call layer (warm transfer, meetings) that the local engine's
// own scenario test, which plays tests/scenarios through the brain alone, cannot run.
const folders = [ownScenarioDir, callScenarioDir, ...(extra ? [extra] : [])];

// Every scenario means the same in every voice mode: our own (warm transfers included) play in
// both, an extra set in relay here and in gather through the CLI (tools/test/run.ts).
const bothModes = new Set([ownScenarioDir, callScenarioDir]);
const plays = folders.flatMap((dir) => (bothModes.has(dir) ? ['relay', 'gather'] as const : ['relay'] as const)
  .map((mode) => ({ dir, mode })));

describe.skipIf(skipWithout({ TEST_FUNCTIONS_URL: env.TEST_FUNCTIONS_URL, TEST_DB_URL: env.TEST_DB_URL,
  TEST_TWILIO_AUTH_TOKEN: env.TEST_TWILIO_AUTH_TOKEN }))('scripted calls through the simulator', () => {
  for (const { dir, mode } of plays) {
    it(`every scenario in ${relative(repoRoot, dir)} passes in ${mode} mode`, async () => {
      const results = await playScenarioFiles(dir, { ...target!, mode });
      const failed = results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`);
      expect(results.length).toBeGreaterThan(0);
      expect(failed).toEqual([]);
      const transfers = results.filter((r) => r.ended === 'transfer').length;
      expect(transfers).toBeGreaterThan(0);
    }, 300_000);
  }

  it.skipIf(!target?.realtime)('every scenario of our own folders passes in realtime mode, as Media Streams with real audio', async () => {
    const dirs = [ownScenarioDir, callScenarioDir];
    const expected = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.json')))
      .filter((f) => !NOT_REALTIME.some((n) => n.file === f));
    const results = await playScenarioFiles(dirs, target!, undefined,
      { mode: 'realtime', concurrency: REALTIME_AT_ONCE, skip: NOT_REALTIME.map((n) => n.file) });
    expect(results.map((r) => r.file?.split('/').at(-1))).toEqual(expected);
    const failed = results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`);
    expect(failed).toEqual([]);
    expect(results.filter((r) => r.ended === 'transfer').length).toBeGreaterThan(0);
  }, 480_000);
});
