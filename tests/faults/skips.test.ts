/**
 * Database-backed suites run alone (`deno test`, `vitest run`) without the test stack's variables
 * must fail, not go green with most tests skipped; SKIP_STACK_TESTS=1 is the explicit way to skip.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../tools/stack/config.ts';

const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);

/** The environment without the test stack's variables (and the skip flag only when asked). */
function bareEnv(skip: boolean): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('TEST_') && k !== 'SKIP_STACK_TESTS' && !k.startsWith('VITEST')) env[k] = v;
  }
  env.DENO_NO_UPDATE_CHECK = '1';
  if (skip) env.SKIP_STACK_TESTS = '1';
  return env;
}

function run(cmd: string, args: string[], skip: boolean) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, env: bareEnv(skip), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe('suites without their database', () => {
  it('deno test of a database-backed file fails without TEST_DB_URL, and skips only with the flag', () => {
    const args = ['test', '-A', '--no-check', '--config', 'supabase/functions/deno.json', 'supabase/functions/health/handler_test.ts'];
    const bare = run(bin('deno'), args, false);
    expect(bare.status).not.toBe(0);
    expect(bare.out).toContain('TEST_DB_URL is not set');
    const skipped = run(bin('deno'), args, true);
    expect(skipped.status).toBe(0);
    expect(skipped.out).toMatch(/ignored/);
  }, 120_000);

  it('vitest of a database-backed file fails without TEST_DB_URL, and skips only with the flag', () => {
    const args = ['run', 'tests/dashboard/db.test.ts'];
    const bare = run(bin('vitest'), args, false);
    expect(bare.status).not.toBe(0);
    expect(bare.out).toContain('missing TEST_DB_URL');
    const skipped = run(bin('vitest'), args, true);
    expect(skipped.status).toBe(0);
    expect(skipped.out).toMatch(/skipped/);
  }, 120_000);
});
