/**
 * Where each part of a local stack lives. Two profiles run side by side: `dev` on the ports
 * `supabase start` uses, and `test` on its own ports so `npm test` can run beside a dev stack.
 */
import { createHash } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Profile = 'dev' | 'test';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StackLayout {
  profile: Profile;
  /** The stack's folder inside the clone: pid files, logs, local secrets. */
  dir: string;
  /**
   * The folder of the Postgres cluster. As root it lies outside the clone, in the `postgres` OS
   * user's home (see clusterHome); otherwise it is inside `dir`.
   */
  clusterDir: string;
  pgData: string;
  pgLogFile: string;
  logDir: string;
  pgPort: number;
  functionsPort: number;
  dashboardPort: number;
  /** The local stand-in for Twilio's REST API (outbound callbacks), when no real account is set. */
  twilioApiPort: number;
  /** The local stand-in for the OpenAI Realtime API (wss), when no OpenAI key is set. */
  realtimeApiPort: number;
  /**
   * Where the bench's scripted LLM listens (`npm run bench -- --mode relay`); the stack's
   * functions allow it as a provider base URL (LLM_BASE_URL_ALLOWLIST), and nothing else on loopback.
   */
  benchLlmPort: number;
  dbUrl: string;
  functionsUrl: string;
  dashboardUrl: string;
}

const ports: Record<Profile, { pg: number; functions: number; dashboard: number; twilioApi: number; realtimeApi: number; benchLlm: number }> = {
  dev: { pg: 54322, functions: 54321, dashboard: 54330, twilioApi: 54331, realtimeApi: 54332, benchLlm: 54333 },
  test: { pg: 54422, functions: 54421, dashboard: 54430, twilioApi: 54431, realtimeApi: 54432, benchLlm: 54433 },
};

/**
 * STACK_PORT_OFFSET moves every port of both profiles by the same amount, so stacks of two clones
 * on one machine (or two developers' worktrees) can run at once.
 */
export function portOffset(env = process.env): number {
  const raw = env.STACK_PORT_OFFSET;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 9000) throw new Error(`STACK_PORT_OFFSET must be a whole number from 0 to 9000, not "${raw}"`);
  return n;
}

/** Every port of a profile at an offset (what STACK_PORT_OFFSET=offset gives). */
export function profilePorts(profile: Profile, offset: number): number[] {
  return Object.values(ports[profile]).map((p) => p + offset);
}

/** Whether this process runs as root (Postgres refuses root: the cluster then belongs to `postgres`). */
export const runsAsRoot = process.getuid?.() === 0;

let postgresHomeCache: string | undefined;
/** The home folder of the `postgres` OS user (Debian: /var/lib/postgresql). */
function postgresHome(): string {
  if (postgresHomeCache) return postgresHomeCache;
  const entry = spawnSync('getent', ['passwd', 'postgres'], { encoding: 'utf8' }).stdout ?? '';
  postgresHomeCache = entry.split(':')[5]?.trim() || '/var/lib/postgresql';
  return postgresHomeCache;
}

/**
 * A folder name for this clone that no other clone shares: its name, for people, and a hash of
 * its real path, so two clones (or a clone moved elsewhere) never share a cluster.
 */
export function cloneKey(root = repoRoot): string {
  const real = realpathSync(root);
  const slug = basename(real).replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 40) || 'clone';
  return `${slug}-${createHash('sha256').update(real).digest('hex').slice(0, 12)}`;
}

/**
 * Where a cluster's files live. As root, in the `postgres` user's home keyed by clone and name:
 * that user must own them and may not be able to enter the clone (a clone under /root, mode
 * 700). Otherwise in the stack's folder, which the user running the stack owns.
 */
export function clusterHome(stackDir: string, name: string, asRoot = runsAsRoot): string {
  if (!asRoot) return join(stackDir, 'cluster');
  return join(postgresHome(), 'legacyai-voice', cloneKey(), name);
}

/**
 * The layout of one profile's stack; nothing is created here. `isolated` gives a cluster of a
 * test's own (its name keys the folders, its port is its own).
 */
export function stackLayout(profile: Profile, isolated?: { name: string; pgPort: number }): StackLayout {
  const name = isolated?.name ?? profile;
  const dir = join(repoRoot, '.stack', name);
  const offset = portOffset();
  const base = ports[profile];
  const p = { pg: isolated?.pgPort ?? base.pg + offset, functions: base.functions + offset,
    dashboard: base.dashboard + offset, twilioApi: base.twilioApi + offset, realtimeApi: base.realtimeApi + offset,
    benchLlm: base.benchLlm + offset };
  const clusterDir = clusterHome(dir, name);
  return {
    profile,
    dir,
    clusterDir,
    pgData: join(clusterDir, 'pgdata'),
    pgLogFile: join(clusterDir, 'postgres.log'),
    logDir: join(dir, 'logs'),
    pgPort: p.pg,
    functionsPort: p.functions,
    dashboardPort: p.dashboard,
    twilioApiPort: p.twilioApi,
    realtimeApiPort: p.realtimeApi,
    benchLlmPort: p.benchLlm,
    dbUrl: `postgresql://postgres:postgres@127.0.0.1:${p.pg}/postgres`,
    functionsUrl: `http://127.0.0.1:${p.functions}/functions/v1`,
    dashboardUrl: `http://127.0.0.1:${p.dashboard}`,
  };
}

/** The profile named by `--profile X` or STACK_PROFILE, `dev` by default. */
export function profileFrom(argv: string[], env = process.env): Profile {
  const i = argv.indexOf('--profile');
  const value = i >= 0 ? argv[i + 1] : env.STACK_PROFILE ?? 'dev';
  if (value !== 'dev' && value !== 'test') throw new Error(`unknown stack profile "${value}" (dev or test)`);
  return value;
}
