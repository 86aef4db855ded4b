/**
 * The folders of scripted calls the tests play: the project's own (tests/scenarios, always), and
 * an optional extra set that only some machines have (CI lays the original examples beside the
 * clone as ../shared/scenarios). Nothing requires the extra set.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from '../stack/config.ts';

export const ownScenarioDir = join(repoRoot, 'tests', 'scenarios');
/** Call-layer flows (warm transfer, meetings) that need the whole call path, not the brain alone. */
export const callScenarioDir = join(repoRoot, 'tests', 'calls', 'scenarios');

/** SHARED_SCENARIOS_DIR, or ../shared/scenarios beside the clone, when that folder exists; else null. */
export function extraScenarioDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const dir = env.SHARED_SCENARIOS_DIR ? resolve(env.SHARED_SCENARIOS_DIR) : join(repoRoot, '..', 'shared', 'scenarios');
  return existsSync(dir) ? dir : null;
}
