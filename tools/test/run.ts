/**
 * `npm test`: brings up a fresh test stack on its own ports (so it runs beside a dev stack), runs
 * every suite against it, tears it down, and exits non-zero if any suite failed.
 *   npm test                 all suites
 *   npm test -- db deno      only these suites (db, deno, vitest, scenarios: the scripted calls,
 *                            clone: a clone in a private folder brings its own stack up)
 *   npm test -- --keep       leave the test stack up afterwards
 * Scripted calls come from tests/scenarios, and from an extra folder where the machine has one
 * (tools/test/scenario-dirs.ts); nothing outside the clone is required.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, stackLayout } from '../stack/config.ts';
import { down, up } from '../stack/cli-lib.ts';
import { stackStatus } from '../stack/status.ts';
import { extraScenarioDir, ownScenarioDir } from './scenario-dirs.ts';

type Suite = 'db' | 'deno' | 'vitest' | 'scenarios' | 'clone';
const allSuites: Suite[] = ['db', 'deno', 'vitest', 'scenarios', 'clone'];

const args = process.argv.slice(2);
const chosen = args.filter((a): a is Suite => (allSuites as string[]).includes(a));
const suites = chosen.length > 0 ? chosen : allSuites;
const keep = args.includes('--keep');
const layout = stackLayout('test');
const scenarioTest = 'tests/scenarios.test.ts';
const cloneTest = 'tests/clone/standalone.test.ts';
const extraScenarios = extraScenarioDir();

function runSuite(name: Suite, cmd: string, cmdArgs: string[], env: Record<string, string>): boolean {
  console.log(`\n=== ${name}: ${[cmd.replace(repoRoot + '/', ''), ...cmdArgs].join(' ')}`);
  const started = Date.now();
  const result = spawnSync(cmd, cmdArgs, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = result.status === 0;
  console.log(`=== ${name}: ${ok ? 'passed' : `FAILED (exit ${result.status})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

async function main(): Promise<number> {
  const startedAt = Date.now();
  await up(layout, true);
  const s = await stackStatus('test');
  const env = {
    STACK_PROFILE: 'test',
    PGPASSWORD: 'postgres',
    TEST_DB_URL: s.db_url,
    TEST_FUNCTIONS_URL: s.functions_url,
    TEST_DASHBOARD_URL: s.up.dashboard ? s.dashboard_url : '',
    TEST_TWILIO_AUTH_TOKEN: s.twilio_auth_token,
    TEST_TWILIO_ACCOUNT_SID: s.twilio_account_sid,
    TEST_TWILIO_NUMBER: s.twilio_number,
    TEST_TWILIO_API_URL: `http://127.0.0.1:${layout.twilioApiPort}`,
    DENO_NO_UPDATE_CHECK: '1',
    SHARED_SCENARIOS_DIR: extraScenarios ?? '',
    TEST_REALTIME_STANDIN_URL: s.realtime_standin?.url ?? '',
    TEST_REALTIME_STANDIN_CA: s.realtime_standin?.ca_file ?? '',
  };
  const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
  const results: [Suite, boolean][] = [];
  for (const suite of suites) {
    if (suite === 'db') {
      const files = readdirSync(join(repoRoot, 'supabase/tests/database')).filter((f) => f.endsWith('.sql')).sort()
        .map((f) => join('supabase/tests/database', f));
      results.push([suite, runSuite(suite, 'pg_prove', ['-h', '127.0.0.1', '-p', String(layout.pgPort), '-U', 'postgres',
        '-d', 'postgres', ...files], env)]);
    } else if (suite === 'deno') {
      results.push([suite, runSuite(suite, bin('deno'), ['test', '-A', '--config', 'supabase/functions/deno.json',
        'supabase/functions/'], env)]);
    } else if (suite === 'vitest') {
      results.push([suite, runSuite(suite, bin('vitest'), ['run', '--exclude', scenarioTest, '--exclude', cloneTest], env)]);
    } else if (suite === 'scenarios') {
      // Alone, not beside the other vitest files: scenarios set the shared hours override. The
      // vitest file plays every folder; `npm run call` is checked once more on the extra set, or
      // (without one) on a single file, rather than playing everything twice.
      const cliTarget = extraScenarios ?? join(ownScenarioDir, '69-ask-for-human.json');
      results.push([suite, runSuite(suite, bin('vitest'), ['run', scenarioTest], env) &&
        runSuite(suite, bin('tsx'), ['tools/sim/cli.ts', '--profile', 'test', '--mode', 'gather', '--scenario', cliTarget, '--quiet'], env)]);
    } else {
      // Last, while the test stack is up: the clone's stack must leave it alone.
      results.push([suite, runSuite(suite, bin('vitest'), ['run', cloneTest], env)]);
    }
  }
  if (!keep) await down(layout, true);
  console.log('\n=== summary');
  for (const [suite, ok] of results) console.log(`  ${ok ? 'pass' : 'FAIL'}  ${suite}`);
  console.log(`  total ${((Date.now() - startedAt) / 1000).toFixed(0)} s`);
  return results.every(([, ok]) => ok) ? 0 : 1;
}

main().then((code) => process.exit(code), async (err) => {
  console.error(err instanceof Error ? err.stack ?? err.message : err);
  if (!keep) await down(layout, true).catch(() => {});
  process.exit(1);
});
