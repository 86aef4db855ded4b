/**
 * Where each part of a local stack lives. Two profiles run side by side: `dev` on the ports
 * `supabase start` uses, and `test` on its own ports so `npm test` can run beside a dev stack.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type Profile = 'dev' | 'test';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface StackLayout {
  profile: Profile;
  dir: string;
  pgData: string;
  pgSocketDir: string;
  logDir: string;
  pgPort: number;
  functionsPort: number;
  dashboardPort: number;
  /** The local stand-in for Twilio's REST API (outbound callbacks), when no real account is set. */
  twilioApiPort: number;
  dbUrl: string;
  functionsUrl: string;
  dashboardUrl: string;
}

const ports: Record<Profile, { pg: number; functions: number; dashboard: number; twilioApi: number }> = {
  dev: { pg: 54322, functions: 54321, dashboard: 54330, twilioApi: 54331 },
  test: { pg: 54422, functions: 54421, dashboard: 54430, twilioApi: 54431 },
};

/**
 * STACK_PORT_OFFSET moves every port of both profiles by the same amount, so stacks of two clones
 * on one machine (or two developers' worktrees) can run at once.
 */
function portOffset(env = process.env): number {
  const raw = env.STACK_PORT_OFFSET;
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 9000) throw new Error(`STACK_PORT_OFFSET must be a whole number from 0 to 9000, not "${raw}"`);
  return n;
}

/** The layout of one profile's stack; nothing is created here. */
export function stackLayout(profile: Profile): StackLayout {
  const dir = join(repoRoot, '.stack', profile);
  const offset = portOffset();
  const base = ports[profile];
  const p = { pg: base.pg + offset, functions: base.functions + offset, dashboard: base.dashboard + offset,
    twilioApi: base.twilioApi + offset };
  return {
    profile,
    dir,
    pgData: join(dir, 'pgdata'),
    pgSocketDir: join(dir, 'run'),
    logDir: join(dir, 'logs'),
    pgPort: p.pg,
    functionsPort: p.functions,
    dashboardPort: p.dashboard,
    twilioApiPort: p.twilioApi,
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
