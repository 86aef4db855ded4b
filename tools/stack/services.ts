/**
 * The stack's long-running processes besides Postgres (functions server, dashboard), started
 * detached with a pid file and a log file each, so `stack:up` can return and `stack:down` can stop them.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type StackLayout } from './config.ts';
import { pidAlive, portOpen, portTakenError, run, urlHealthy, waitFor } from './proc.ts';
import { localSecrets, readEnvFile, roleKey } from './secrets.ts';
import { standInEnv, standInTls, usesLocalRealtime } from './realtime-standin.ts';

export type Service = 'functions' | 'dashboard' | 'worker' | 'twilio-api' | 'realtime-api';

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
    ...(usesLocalRealtime(envLocal) ? standInEnv(layout) : {}),
    // Tests' relay calls: a caller's silence counts after 2.5 s and no time is spent "speaking".
    ...(layout.profile === 'test' ? { RELAY_SILENCE_MS: '2500', RELAY_SPEECH_MS_PER_CHAR: '0', RELAY_QUIET_MS: '300' } : {}),
    ...envLocal,
    // The bench's scripted provider (tools/bench/scripted-llm.ts) besides what .env.local allows.
    LLM_BASE_URL_ALLOWLIST: [envLocal.LLM_BASE_URL_ALLOWLIST, `http://127.0.0.1:${layout.benchLlmPort}`].filter(Boolean).join(','),
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

/**
 * Starts a service and waits until it answers. The stack's ports lie in Linux's ephemeral range
 * (32768-60999), where any program's outgoing connection may hold one for a while: a service that
 * dies of "address in use" is started again, twice at most, once nothing listens there.
 */
async function startListening(layout: StackLayout, service: Service, port: number, start: () => void,
  health: string, timeoutMs: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    start();
    try {
      await waitHealthy(layout, service, health, timeoutMs);
      return;
    } catch (err) {
      const inUse = /EADDRINUSE|AddrInUse|address already in use/i.test(String(err));
      if (!inUse || attempt === 3) throw err;
      await new Promise((r) => setTimeout(r, 1000 * attempt));
      if (await portOpen(port)) throw portTakenError(port, service);
    }
  }
}

/**
 * Before a service starts: a process of ours that no longer answers is stopped, and a port held
 * by anything else (another clone's stack) is an error rather than a stack that quietly uses it.
 */
async function claimPort(layout: StackLayout, service: Service, port: number): Promise<void> {
  if (readPid(layout, service)) await stopService(layout, service);
  if (await portOpen(port)) throw portTakenError(port, service);
}

/** The local Realtime API stand-in (only without an OpenAI key in .env.local); before the functions. */
export async function startRealtimeStandIn(layout: StackLayout): Promise<void> {
  if (!usesLocalRealtime() || readPid(layout, 'realtime-api')) return;
  await claimPort(layout, 'realtime-api', layout.realtimeApiPort);
  const tls = standInTls(layout);
  startDetached(layout, 'realtime-api', deno, ['run', '-A', '--config', 'supabase/functions/deno.json',
    'supabase/functions/_shared/testing/realtime/server.ts'], { SUPABASE_DB_URL: layout.dbUrl,
    REALTIME_STANDIN_PORT: String(layout.realtimeApiPort), REALTIME_STANDIN_CERT: tls.cert,
    REALTIME_STANDIN_KEY: tls.key, DENO_NO_UPDATE_CHECK: '1' });
  await waitFor('realtime-api', async () => {
    if (!readPid(layout, 'realtime-api')) throw diedDuringStart(layout, 'realtime-api');
    return portOpen(layout.realtimeApiPort);
  }, 60_000);
}

export async function startFunctions(layout: StackLayout): Promise<void> {
  await startRealtimeStandIn(layout);
  const health = `${layout.functionsUrl}/health`;
  if (readPid(layout, 'functions') && (await urlHealthy(health))) return;
  await claimPort(layout, 'functions', layout.functionsPort);
  // The server hands each function a Request built from Deno.serve's, which reads request.signal:
  // the new abort behaviour (abort only when the client goes away) and no legacy warning.
  await startListening(layout, 'functions', layout.functionsPort, () =>
    startDetached(layout, 'functions', deno, ['run', '-A', '--unstable-no-legacy-abort', '--config',
      'supabase/functions/deno.json', 'tools/stack/functions-server.ts'], functionsEnv(layout)), health, 90_000);
}

/**
 * The jobs worker: the same drain as the jobs-worker function, in a loop (LISTEN on `jobs`).
 * Without a real Twilio account, outbound calls go to a local stand-in of Twilio's Calls API that
 * plays the callee.
 */
export async function startWorker(layout: StackLayout): Promise<void> {
  const env = functionsEnv(layout);
  if (usesLocalTwilioApi() && !readPid(layout, 'twilio-api')) {
    await claimPort(layout, 'twilio-api', layout.twilioApiPort);
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

/** Whether the dashboard's build exists and is newer than every one of its sources. */
export function dashboardBuildIsCurrent(): boolean {
  const web = join(repoRoot, 'web');
  const built = join(web, 'build', 'index.js');
  const newestSource = Math.max(newestMtime(join(web, 'src')),
    ...['svelte.config.js', 'vite.config.ts', 'package.json'].map((f) => statSync(join(web, f)).mtimeMs));
  return existsSync(built) && newestSource <= statSync(built).mtimeMs;
}

/** Builds the dashboard when the build is missing or older than its sources. */
export function buildDashboard(): void {
  if (!dashboardBuildIsCurrent()) run(join(repoRoot, 'node_modules/.bin/vite'), ['build'], { cwd: join(repoRoot, 'web'), stdio: 'pipe' });
}

export async function startDashboard(layout: StackLayout): Promise<void> {
  const health = `${layout.dashboardUrl}/healthz`;
  if (readPid(layout, 'dashboard') && (await urlHealthy(health))) return;
  await claimPort(layout, 'dashboard', layout.dashboardPort);
  buildDashboard();
  const envLocal = readEnvFile();
  await startListening(layout, 'dashboard', layout.dashboardPort, () =>
    startDetached(layout, 'dashboard', process.execPath, ['web/build/index.js'], {
      ...envLocal,
      PORT: String(layout.dashboardPort),
      HOST: '127.0.0.1',
      ORIGIN: layout.dashboardUrl,
      // Without Clerk keys in .env.local, the password-less local sign-in (loopback only).
      ...(envLocal.CLERK_JWT_KEY ? {} : { DASHBOARD_LOCAL_SIGN_IN: '1' }),
      DATABASE_URL: layout.dbUrl,
      FUNCTIONS_URL: layout.functionsUrl,
    }), health, 30_000);
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
