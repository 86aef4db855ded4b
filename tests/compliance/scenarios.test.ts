/**
 * Scripted calls whose rules live in the call flow rather than the brain (redaction, privacy
 * requests, the AI disclosure), played by the simulator against the test stack. They sit apart
 * from tests/scenarios because the local engine's own scenario test plays those files through
 * the brain alone, where these rules do not run. They set no hours override, so they run beside
 * the other cross-process tests.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/stack/config.ts';
import { playScenarioFiles } from '../../tools/sim/scenario.ts';
import { noStack, target } from './support.ts';

describe.skipIf(noStack)('privacy scenarios through the simulator', () => {
  it('every scenario in tests/compliance/scenarios passes', async () => {
    const results = await playScenarioFiles(join(repoRoot, 'tests/compliance/scenarios'), target);
    expect(results.length).toBeGreaterThanOrEqual(4);
    expect(results.filter((r) => !r.passed).map((r) => `${r.name}: ${r.failures.join('; ')}`)).toEqual([]);
  }, 120_000);
});
