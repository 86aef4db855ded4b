/**
 * The stack's own PostgreSQL 15 cluster: initdb on first use, start and stop with pg_ctl, the
 * Supabase bootstrap, then migrations and seed through the Supabase CLI (`supabase db push`).
 * initdb refuses root, so as root the cluster belongs to the `postgres` OS user.
 */
import { appendFileSync, chownSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { repoRoot, type StackLayout } from './config.ts';
import { portOpen, run, waitFor } from './proc.ts';

const pgBin = '/usr/lib/postgresql/15/bin';
const isRoot = process.getuid?.() === 0;

function osUser(): { uid: number; gid: number } | null {
  if (!isRoot) return null;
  const uid = Number(run('id', ['-u', 'postgres']).trim());
  const gid = Number(run('id', ['-g', 'postgres']).trim());
  return { uid, gid };
}

/**
 * Runs a PostgreSQL binary as the cluster's owner, in a session of its own (`setsid -w`), so a
 * Ctrl-C meant for `npm start` cannot interrupt it half-way.
 */
function pgRun(bin: string, args: string[]): string {
  const cmd = join(pgBin, bin);
  return run('setsid', ['-w', ...(isRoot ? ['runuser', '-u', 'postgres', '--'] : []), cmd, ...args]);
}

/** Whether the postgres OS user can reach a folder (a clone under /root is closed to it). */
function reachableByPostgres(dir: string): boolean {
  if (!isRoot) return true;
  return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-x', dir]).status === 0;
}

/**
 * The data folder. It lives in the stack folder; when the postgres user cannot reach the clone,
 * the cluster goes under /var/lib/postgresql and the stack folder holds a symlink to it.
 */
function prepareFolders(layout: StackLayout): void {
  mkdirSync(layout.dir, { recursive: true });
  mkdirSync(layout.logDir, { recursive: true });
  const owner = osUser();
  if (!existsSync(layout.pgData) && !reachableByPostgres(layout.dir)) {
    const key = createHash('sha1').update(repoRoot).digest('hex').slice(0, 10);
    const outside = `/var/lib/postgresql/legacyai-voice-${key}/${layout.profile}`;
    mkdirSync(outside, { recursive: true });
    if (owner) chownSync(join(outside, '..'), owner.uid, owner.gid);
    symlinkSync(outside, layout.pgData);
  }
  for (const dir of [layout.pgData, layout.pgSocketDir]) {
    mkdirSync(dir, { recursive: true });
    if (owner) chownSync(dir, owner.uid, owner.gid);
  }
  if (owner) chownSync(layout.logDir, owner.uid, owner.gid);
}

function initCluster(layout: StackLayout): void {
  if (existsSync(join(layout.pgData, 'PG_VERSION'))) return;
  const pwFile = join(layout.pgSocketDir, 'pwfile');
  writeFileSync(pwFile, 'postgres\n', { mode: 0o644 });
  pgRun('initdb', ['-D', layout.pgData, '-U', 'postgres', '--pwfile', pwFile, '--auth-local=trust',
    '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8']);
  const fast = layout.profile === 'test' ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : [];
  const conf = [
    `listen_addresses = '127.0.0.1'`,
    `port = ${layout.pgPort}`,
    `unix_socket_directories = '${layout.pgSocketDir}'`,
    `shared_preload_libraries = 'pg_cron'`,
    `cron.database_name = 'postgres'`,
    // pg_cron's default libpq connections would need a password over TCP; background workers do not.
    `cron.use_background_workers = on`,
    `max_worker_processes = 16`,
    `max_connections = 200`,
    `timezone = 'UTC'`,
    ...fast,
  ];
  appendFileSync(join(layout.pgData, 'postgresql.conf'), `\n# legacyai-voice local stack\n${conf.join('\n')}\n`);
}

/** Whether the cluster answers on its port. */
export function postgresUp(layout: StackLayout): Promise<boolean> {
  return portOpen(layout.pgPort);
}

/** Creates the cluster if needed and starts it; returns once it accepts connections. */
export async function startPostgres(layout: StackLayout): Promise<void> {
  if (await postgresUp(layout)) return;
  prepareFolders(layout);
  initCluster(layout);
  pgRun('pg_ctl', ['-D', layout.pgData, '-l', join(layout.logDir, 'postgres.log'), '-w', '-t', '60', 'start']);
  await waitFor('postgres', () => postgresUp(layout), 30_000);
}

/** Stops the cluster (fast shutdown); does nothing when it is not running. */
export function stopPostgres(layout: StackLayout): void {
  if (!existsSync(join(layout.pgData, 'postmaster.pid'))) return;
  pgRun('pg_ctl', ['-D', layout.pgData, '-m', 'fast', '-w', 'stop']);
}

/** Applies the bootstrap (what Supabase's image provides), then migrations and seed via the CLI. */
export function migrate(layout: StackLayout): void {
  const env = { ...process.env, PGPASSWORD: 'postgres' };
  run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', layout.dbUrl, '-f', join(repoRoot, 'tools/stack/bootstrap.sql')], { env });
  run(join(repoRoot, 'node_modules/.bin/supabase'), ['db', 'push', '--db-url', layout.dbUrl, '--include-seed', '--yes'],
    { env, cwd: repoRoot });
}
