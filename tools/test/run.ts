/**
 * `npm test`: brings up a fresh test stack on its own ports (so it runs beside a dev stack), runs
 * every suite against it, tears it down, and exits non-zero if any suite failed.
 *   npm test                 all suites
 *   npm test -- db deno      only these suites (db, deno, vitest, scenarios: the scripted calls)
 *   npm test -- --keep       leave the test stack up afterwards
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, stackLayout } from '../stack/config.ts';
import { down, up } from '../stack/cli-lib.ts';
import { stackStatus } from '../stack/status.ts';

type Suite = 'db' | 'deno' | 'vitest' | 'scenarios';
const allSuites: Suite[] = ['db', 'deno', 'vitest', 'scenarios'];

const args = process.argv.slice(2);
const chosen = args.filter((a): a is Suite => (allSuites as string[]).includes(a));
const suites = chosen.length > 0 ? chosen : allSuites;
const keep = args.includes('--keep');
const layout = stackLayout('test');
const scenarioTest = 'tests/scenarios.test.ts';

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
      results.push([suite, runSuite(suite, bin('vitest'), ['run', '--exclude', scenarioTest], env)]);
    } else {
      // Alone, not beside the other vitest files: scenarios set the shared hours override.
      results.push([suite, runSuite(suite, bin('vitest'), ['run', scenarioTest], env) &&
        runSuite(suite, bin('tsx'), ['tools/sim/cli.ts', '--profile', 'test', '--scenario', '../shared/scenarios',
          '--quiet'], env)]);
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
