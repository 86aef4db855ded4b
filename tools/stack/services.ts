/**
 * The stack's long-running processes besides Postgres (functions server, dashboard), started
 * detached with a pid file and a log file each, so `stack:up` can return and `stack:down` can stop them.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type StackLayout } from './config.ts';
import { pidAlive, portOpen, run, urlHealthy, waitFor } from './proc.ts';
import { localSecrets, readEnvFile, roleKey } from './secrets.ts';

export type Service = 'functions' | 'dashboard' | 'worker' | 'twilio-api';

const pidFile = (layout: StackLayout, service: Service) => join(layout.dir, `${service}.pid`);

/** The pid of a running service, or null. */
export function readPid(layout: StackLayout, service: Service): number | null {
  const file = pidFile(layout, service);
  if (!existsSync(file)) return null;
  const pid = Number(readFileSync(file, 'utf8'));
  return Number.isInteger(pid) && pidAlive(pid) ? pid : null;
}

function startDetached(layout: StackLayout, service: Service, cmd: string, args: string[], env: Record<string, string>) {
  const log = openSync(join(layout.logDir, `${service}.log`), 'a');
  const child = spawn(cmd, args, { cwd: repoRoot, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', log, log] });
  child.unref();
  writeFileSync(pidFile(layout, service), String(child.pid));
}

/** Whether outbound calls go to the local Twilio API stand-in (no real account in .env.local). */
export function usesLocalTwilioApi(envLocal = readEnvFile()): boolean {
  return !envLocal.TWILIO_API_BASE_URL && !envLocal.TWILIO_ACCOUNT_SID;
}

/** The environment Supabase gives functions, plus .env.local (which may override nothing of Supabase's). */
export function functionsEnv(layout: StackLayout): Record<string, string> {
  const secrets = localSecrets(layout);
  const envLocal = readEnvFile();
  return {
    ...(usesLocalTwilioApi(envLocal) ? { TWILIO_API_BASE_URL: `http://127.0.0.1:${layout.twilioApiPort}` } : {}),
    ...envLocal,
    SUPABASE_URL: `http://127.0.0.1:${layout.functionsPort}`,
    SUPABASE_DB_URL: layout.dbUrl,
    SUPABASE_ANON_KEY: roleKey(secrets.jwt_secret, 'anon'),
    SUPABASE_SERVICE_ROLE_KEY: roleKey(secrets.jwt_secret, 'service_role'),
    PUBLIC_FUNCTIONS_URL: layout.functionsUrl,
    TWILIO_AUTH_TOKEN: secrets.twilio_auth_token,
    TWILIO_ACCOUNT_SID: secrets.twilio_account_sid,
    TWILIO_PHONE_NUMBER: secrets.twilio_number,
    FUNCTIONS_PORT: String(layout.functionsPort),
    DENO_NO_UPDATE_CHECK: '1',
  };
}

const deno = join(repoRoot, 'node_modules/.bin/deno');

function diedDuringStart(layout: StackLayout, service: Service): Error {
  const log = readFileSync(join(layout.logDir, `${service}.log`), 'utf8').split('\n').slice(-15).join('\n');
  return new Error(`${service} exited during start-up; the end of its log:\n${log}`);
}

/** Waits for a service's health URL; fails at once, with its log's tail, if the process dies. */
async function waitHealthy(layout: StackLayout, service: Service, url: string, timeoutMs: number): Promise<void> {
  await waitFor(service, async () => {
    if (!readPid(layout, service)) throw diedDuringStart(layout, service);
    return urlHealthy(url);
  }, timeoutMs);
}

export async function startFunctions(layout: StackLayout): Promise<void> {
  const health = `${layout.functionsUrl}/health`;
  if (readPid(layout, 'functions') && (await urlHealthy(health))) return;
  startDetached(layout, 'functions', deno,
    ['run', '-A', '--config', 'supabase/functions/deno.json', 'tools/stack/functions-server.ts'], functionsEnv(layout));
  await waitHealthy(layout, 'functions', health, 90_000);
}

/**
 * The jobs worker: the same drain as the jobs-worker function, in a loop (LISTEN on `jobs`).
 * Without a real Twilio account, outbound calls go to a local stand-in of Twilio's Calls API that
 * plays the callee.
 */
export async function startWorker(layout: StackLayout): Promise<void> {
  const env = functionsEnv(layout);
  if (usesLocalTwilioApi() && !readPid(layout, 'twilio-api')) {
    // The simulator plays the callee of every call placed through this stand-in (tools/sim/callee).
    startDetached(layout, 'twilio-api', join(repoRoot, 'node_modules/.bin/tsx'), ['tools/sim/callee/server.ts'],
      { ...env, FAKE_TWILIO_PORT: String(layout.twilioApiPort) });
    await waitFor('twilio-api', () => portOpen(layout.twilioApiPort), 30_000);
  }
  if (readPid(layout, 'worker')) return;
  startDetached(layout, 'worker', deno, ['run', '-A', '--config', 'supabase/functions/deno.json',
    'tools/stack/worker-loop.ts'], env);
  // The worker serves no HTTP: it is ready once it has listened for a moment without dying.
  await new Promise((r) => setTimeout(r, 1500));
  if (!readPid(layout, 'worker')) throw diedDuringStart(layout, 'worker');
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Builds the dashboard when the build is missing or older than its sources. */
export function buildDashboard(): void {
  const web = join(repoRoot, 'web');
  const built = join(web, 'build', 'index.js');
  const newestSource = Math.max(newestMtime(join(web, 'src')),
    ...['svelte.config.js', 'vite.config.ts', 'package.json'].map((f) => statSync(join(web, f)).mtimeMs));
  const sourcesNewer = !existsSync(built) || newestSource > statSync(built).mtimeMs;
  if (sourcesNewer) run(join(repoRoot, 'node_modules/.bin/vite'), ['build'], { cwd: web, stdio: 'pipe' });
}

export async function startDashboard(layout: StackLayout): Promise<void> {
  const health = `${layout.dashboardUrl}/healthz`;
  if (readPid(layout, 'dashboard') && (await urlHealthy(health))) return;
  buildDashboard();
  const envLocal = readEnvFile();
  startDetached(layout, 'dashboard', process.execPath, ['web/build/index.js'], {
    ...envLocal,
    PORT: String(layout.dashboardPort),
    HOST: '127.0.0.1',
    ORIGIN: layout.dashboardUrl,
    DATABASE_URL: layout.dbUrl,
    FUNCTIONS_URL: layout.functionsUrl,
  });
  await waitHealthy(layout, 'dashboard', health, 30_000);
}

/** Stops a service (SIGTERM to its process group, then SIGKILL) and forgets its pid. */
export async function stopService(layout: StackLayout, service: Service): Promise<void> {
  const pid = readPid(layout, service);
  rmSync(pidFile(layout, service), { force: true });
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 5000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) process.kill(-pid, 'SIGKILL');
}
