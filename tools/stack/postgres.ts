/**
 * The stack's own PostgreSQL 15 cluster: initdb on first use, start and stop with pg_ctl, the
 * Supabase bootstrap, then migrations and seed through the Supabase CLI (`supabase db push`).
 * initdb refuses root, so as root the cluster belongs to the `postgres` OS user and lives in its
 * home (config.ts: clusterHome), which works wherever the clone is: a mode-700 home, a path with
 * spaces. Postgres listens on 127.0.0.1 only, with no Unix socket (whose path would have to be
 * short and reachable by `postgres`).
 */
import { chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync,
  unlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { repoRoot, runsAsRoot, type StackLayout } from './config.ts';
import { pidAlive, portOpen, portTakenError, run, waitFor } from './proc.ts';

const pgBin = '/usr/lib/postgresql/15/bin';

function postgresOsUser(): { uid: number; gid: number } | null {
  if (!runsAsRoot) return null;
  return { uid: Number(run('id', ['-u', 'postgres']).trim()), gid: Number(run('id', ['-g', 'postgres']).trim()) };
}

/**
 * Runs a PostgreSQL binary as the cluster's owner, in a session of its own (`setsid -w`), so a
 * Ctrl-C meant for `npm start` cannot interrupt it half-way. It runs from `/`: the `postgres`
 * user may not be allowed into the current folder.
 */
function pgRun(bin: string, args: string[]): string {
  const cmd = join(pgBin, bin);
  return run('setsid', ['-w', ...(runsAsRoot ? ['runuser', '-u', 'postgres', '--'] : []), cmd, ...args], { cwd: '/' });
}

/** Creates the cluster's folder (owned by `postgres` when run as root) and the stack's own folders. */
function prepareFolders(layout: StackLayout): void {
  mkdirSync(layout.logDir, { recursive: true });
  const owner = postgresOsUser();
  if (owner) {
    // <postgres home>/legacyai-voice/<clone key>/<profile>: each level belongs to postgres.
    const keyDir = dirname(layout.clusterDir);
    for (const dir of [dirname(keyDir), keyDir, layout.clusterDir]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chownSync(dir, owner.uid, owner.gid);
    }
    // Which clone a folder there belongs to, for whoever tidies up after deleting a clone.
    writeFileSync(join(keyDir, 'clone-path.txt'), `${repoRoot}\n`);
    // The Postgres log beside the stack's other logs.
    const link = join(layout.logDir, 'postgres.log');
    if (existsSync(link) || isSymlink(link)) unlinkSync(link);
    symlinkSync(layout.pgLogFile, link);
  } else {
    mkdirSync(layout.clusterDir, { recursive: true, mode: 0o700 });
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function initCluster(layout: StackLayout): void {
  if (existsSync(join(layout.pgData, 'PG_VERSION'))) return;
  const pwFile = join(layout.clusterDir, 'pwfile');
  writeFileSync(pwFile, 'postgres\n', { mode: 0o600 });
  const owner = postgresOsUser();
  if (owner) chownSync(pwFile, owner.uid, owner.gid);
  try {
    pgRun('initdb', ['-D', layout.pgData, '-U', 'postgres', '--pwfile', pwFile, '--auth-local=trust',
      '--auth-host=scram-sha-256', '--encoding=UTF8', '--locale=C.UTF-8']);
  } finally {
    rmSync(pwFile, { force: true });
  }
  const fast = layout.profile === 'test' ? ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off'] : [];
  const conf = [
    `listen_addresses = '127.0.0.1'`,
    `port = ${layout.pgPort}`,
    `unix_socket_directories = ''`,
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

/** The postmaster's pid when this stack's cluster is running, else null. */
function postmasterPid(pgData: string): number | null {
  try {
    const pid = Number(readFileSync(join(pgData, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 && pidAlive(pid) ? pid : null;
  } catch {
    return null;
  }
}

/** Whether this stack's own cluster is running and answers on its port (not another clone's). */
export async function postgresUp(layout: StackLayout): Promise<boolean> {
  return postmasterPid(layout.pgData) !== null && (await portOpen(layout.pgPort));
}

/**
 * A cluster of the earlier layout (data inside the clone's `.stack/<profile>/pgdata`), stopped
 * so that it frees the port; its files are left alone.
 */
function stopEarlierLayoutCluster(layout: StackLayout): void {
  const earlier = join(layout.dir, 'pgdata');
  if (earlier === layout.pgData || !existsSync(earlier) || postmasterPid(earlier) === null) return;
  pgRun('pg_ctl', ['-D', earlier, '-m', 'fast', '-w', 'stop']);
}

/** Creates the cluster if needed and starts it; returns once it accepts connections. */
export async function startPostgres(layout: StackLayout): Promise<void> {
  if (await postgresUp(layout)) return;
  stopEarlierLayoutCluster(layout);
  // Running, but not on this layout's port (started under another STACK_PORT_OFFSET): restart it here.
  if (postmasterPid(layout.pgData) !== null) pgRun('pg_ctl', ['-D', layout.pgData, '-m', 'fast', '-w', 'stop']);
  if (await portOpen(layout.pgPort)) throw portTakenError(layout.pgPort, 'Postgres');
  prepareFolders(layout);
  initCluster(layout);
  // The port comes from the command line, not the one postgresql.conf was written with, so a
  // cluster follows STACK_PORT_OFFSET from run to run.
  // The port lies in Linux's ephemeral range: an outgoing connection may hold it for a moment
  // between the check above and the bind. A failed start is tried twice more once it is free.
  for (let attempt = 1; ; attempt++) {
    try {
      pgRun('pg_ctl', ['-D', layout.pgData, '-l', layout.pgLogFile, '-o', `-p ${layout.pgPort}`, '-w', '-t', '60', 'start']);
      break;
    } catch (err) {
      if (attempt === 3 || postmasterPid(layout.pgData) !== null) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      if (await portOpen(layout.pgPort)) throw portTakenError(layout.pgPort, 'Postgres');
    }
  }
  await waitFor('postgres', () => postgresUp(layout), 30_000);
}

/** Stops the cluster (fast shutdown); does nothing when it is not running. */
export function stopPostgres(layout: StackLayout): void {
  stopEarlierLayoutCluster(layout);
  if (!existsSync(join(layout.pgData, 'postmaster.pid'))) return;
  pgRun('pg_ctl', ['-D', layout.pgData, '-m', 'fast', '-w', 'stop']);
}

/** Deletes the cluster's files (stop it first), and those of the earlier layout inside the clone. */
export function removeCluster(layout: StackLayout): void {
  const earlier = join(layout.dir, 'pgdata');
  if (isSymlink(earlier)) rmSync(readlinkSync(earlier), { recursive: true, force: true });
  rmSync(layout.clusterDir, { recursive: true, force: true });
  const keyDir = dirname(layout.clusterDir);
  if (runsAsRoot && existsSync(keyDir) && readdirSync(keyDir).every((f) => f === 'clone-path.txt')) {
    rmSync(keyDir, { recursive: true, force: true });
  }
}

/** Applies the bootstrap (what Supabase's image provides), then migrations and seed via the CLI. */
export function migrate(layout: StackLayout): void {
  const env = { ...process.env, PGPASSWORD: 'postgres' };
  run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', layout.dbUrl, '-f', join(repoRoot, 'tools/stack/bootstrap.sql')], { env });
  run(join(repoRoot, 'node_modules/.bin/supabase'), ['db', 'push', '--db-url', layout.dbUrl, '--include-seed', '--yes'],
    { env, cwd: repoRoot });
}
