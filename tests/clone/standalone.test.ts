/**
 * A clone stands alone: cloned into a private (mode 700) folder whose path holds a space, with
 * nothing beside it, `npm run stack:up` brings its stack up, a scripted call passes against it,
 * and `npm run stack:down -- --wipe` removes its data and nothing of any other stack's.
 *
 * This clones the committed HEAD. To stay quick it reuses this checkout's node_modules (a
 * symlink) and, when up to date, its dashboard build. Its ports are the dev profile's, moved past
 * this stack's by an offset whose ports are free. `npm test -- clone` runs it.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portOffset, profilePorts, repoRoot } from '../../tools/stack/config.ts';
import { portOpen } from '../../tools/stack/proc.ts';
import { dashboardBuildIsCurrent } from '../../tools/stack/services.ts';

const isGitCheckout = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: repoRoot }).status === 0;

/** The first offset past this checkout's where every dev-profile port is free. */
async function freeOffset(): Promise<number> {
  for (let offset = portOffset() + 50; offset <= 9000; offset += 10) {
    const open = await Promise.all(profilePorts('dev', offset).map((p) => portOpen(p)));
    if (!open.some(Boolean)) return offset;
  }
  throw new Error('no free ports for the clone\'s stack');
}

let parent = '';
let clone = '';
let env: NodeJS.ProcessEnv = {};

function npm(args: string[], timeoutMs: number): SpawnSyncReturns<string> {
  return spawnSync('npm', args, { cwd: clone, env, encoding: 'utf8', timeout: timeoutMs });
}

const output = (r: SpawnSyncReturns<string>) => `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${r.stdout}\n${r.stderr}`;

describe.skipIf(!isGitCheckout)('a clone in a private folder with a space in its path', () => {
  beforeAll(async () => {
    parent = mkdtempSync(join(tmpdir(), 'legacyai-clone-'));
    chmodSync(parent, 0o700);
    clone = join(parent, 'my app');
    const cloned = spawnSync('git', ['clone', '--quiet', repoRoot, clone], { encoding: 'utf8' });
    if (cloned.status !== 0) throw new Error(`git clone failed: ${cloned.stderr}`);
    // The same lockfile, so this checkout's packages are the clone's: link them, and date the
    // lockfile like the install so bootstrap sees them as installed.
    expect(readFileSync(join(clone, 'package-lock.json'), 'utf8')).toBe(readFileSync(join(repoRoot, 'package-lock.json'), 'utf8'));
    symlinkSync(join(repoRoot, 'node_modules'), join(clone, 'node_modules'));
    const installed = statSync(join(repoRoot, 'node_modules', '.package-lock.json')).mtime;
    utimesSync(join(clone, 'package-lock.json'), installed, installed);
    // A dashboard build copied after the checkout is newer than the clone's sources, so it is kept.
    if (dashboardBuildIsCurrent()) cpSync(join(repoRoot, 'web', 'build'), join(clone, 'web', 'build'), { recursive: true });
    const { TEST_DB_URL: _db, STACK_PROFILE: _profile, SHARED_SCENARIOS_DIR: _extra, ...rest } = process.env;
    env = { ...rest, STACK_PORT_OFFSET: String(await freeOffset()), STACK_PROFILE: 'dev' };
  }, 60_000);

  afterAll(() => {
    if (clone && existsSync(clone)) npm(['run', 'stack:down', '--', '--wipe'], 60_000);
    if (parent) rmSync(parent, { recursive: true, force: true });
  }, 90_000);

  it('has nothing of ../shared to lean on', () => {
    expect(existsSync(join(parent, 'shared'))).toBe(false);
    expect((statSync(parent).mode & 0o777).toString(8)).toBe('700');
  });

  let status: { db_url: string; data_dir: string; up: Record<string, boolean> } | null = null;

  it('npm run stack:up brings every part up', () => {
    const up = npm(['run', 'stack:up'], 240_000);
    expect(up.status, output(up)).toBe(0);
    // Each step's time, for whoever wonders why this test is slow.
    console.log(up.stderr.split('\n').filter((l) => l.startsWith('stack:')).join('\n'));
    expect(up.stdout).toContain('Optional services that are off');
    const st = npm(['run', '--silent', 'stack:status'], 30_000);
    expect(st.status, output(st)).toBe(0);
    status = JSON.parse(st.stdout.trim().split('\n').at(-1)!);
    expect(status!.up).toEqual({ postgres: true, functions: true, worker: true, dashboard: true });
    // As root the cluster belongs to `postgres`, which cannot enter the clone: its files are elsewhere.
    if (process.getuid?.() === 0) expect(status!.data_dir.startsWith(parent)).toBe(false);
    expect(existsSync(join(status!.data_dir, 'PG_VERSION'))).toBe(true);
  }, 260_000);

  it('answers a scripted call from its own tests/scenarios', () => {
    expect(status, 'the stack came up').not.toBeNull();
    const call = npm(['run', '--silent', 'call', '--', '--scenario', 'tests/scenarios/69-ask-for-human.json', '--quiet'], 60_000);
    expect(call.status, output(call)).toBe(0);
  }, 70_000);

  it('stack:down --wipe removes its stack and data, and leaves other stacks running', async () => {
    expect(status, 'the stack came up').not.toBeNull();
    const down = npm(['run', 'stack:down', '--', '--wipe'], 60_000);
    expect(down.status, output(down)).toBe(0);
    expect(existsSync(status!.data_dir)).toBe(false);
    expect(await portOpen(Number(new URL(status!.db_url).port))).toBe(false);
    if (process.env.TEST_DB_URL) {
      const sql = postgres(process.env.TEST_DB_URL, { max: 1, onnotice: () => {} });
      try {
        expect((await sql`select 1 as one`)[0]!.one).toBe(1);
      } finally {
        await sql.end();
      }
    }
  }, 70_000);
});
