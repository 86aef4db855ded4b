/**
 * The conversation regression suite as a test: the simulator plays every scripted call (the
 * shared examples and our own) against the running test stack, as Twilio would, and every
 * expectation must hold. `npm test` also plays them through `npm run call` to check the CLI.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../tools/stack/config.ts';
import { playScenarioFiles, type SimTarget } from '../tools/sim/scenario.ts';

const env = process.env;
const target: SimTarget | null = env.TEST_FUNCTIONS_URL && env.TEST_DB_URL && env.TEST_TWILIO_AUTH_TOKEN
  ? {
    functionsUrl: env.TEST_FUNCTIONS_URL,
    dbUrl: env.TEST_DB_URL,
    stackDbUrl: env.TEST_DB_URL,
    authToken: env.TEST_TWILIO_AUTH_TOKEN,
    accountSid: env.TEST_TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`,
    toNumber: env.TEST_TWILIO_NUMBER ?? '+15550100000',
  }
  : null;

// tests/calls/scenarios: flows of the call layer (warm transfer, meetings) that the local engine's
// own scenario test, which plays tests/scenarios through the brain alone, cannot run.
const folders = [join(repoRoot, '..', 'shared', 'scenarios'), join(repoRoot, 'tests', 'scenarios'),
  join(repoRoot, 'tests', 'calls', 'scenarios')]
  .filter((dir) => existsSync(dir));

describe.skipIf(!target)('scripted calls through the simulator', () => {
  for (const dir of folders) {
    it(`every scenario in ${dir.replace(join(repoRoot, '..') + '/', '../')} passes`, async () => {
      const results = await playScenarioFiles(dir, target!);
      const failed = results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`);
      expect(results.length).toBeGreaterThan(0);
      expect(failed).toEqual([]);
      const transfers = results.filter((r) => r.ended === 'transfer').length;
      expect(transfers).toBeGreaterThan(0);
    }, 180_000);
  }
});
