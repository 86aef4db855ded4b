/**
 * The dashboard server's long-lived parts, built once when the server starts: configuration, the
 * request pool, and the LISTEN hub behind the live transcripts.
 */
import { readConfig, type DashboardConfig } from './config.ts';
import { createPool, type Sql } from './db.ts';
import { LiveHub } from './live.ts';

export interface Services {
  cfg: DashboardConfig;
  sql: Sql;
  live: LiveHub;
}

let current: Services | null = null;

/** Start everything from the environment; logs which sign-in is in use. */
export async function startServices(env: Record<string, string | undefined>): Promise<Services> {
  if (current) return current;
  const cfg = readConfig(env);
  const sql = createPool(cfg.databaseUrl);
  const live = new LiveHub(sql, cfg.databaseUrl);
  await live.start();
  if (cfg.clerk) {
    console.log(JSON.stringify({ msg: 'dashboard sign-in: Clerk (tokens verified offline)', authorized_parties: cfg.clerk.authorizedParties }));
  } else {
    console.warn(JSON.stringify({ msg: 'dashboard sign-in: LOCAL, loopback only (no CLERK_JWT_KEY set)' }));
  }
  if (!cfg.clerk && cfg.sessionSecretIsRandom) {
    console.log(JSON.stringify({ msg: 'local sessions last until this process restarts (no DASHBOARD_SESSION_SECRET)' }));
  }
  current = { cfg, sql, live };
  installShutdown(current);
  return current;
}

/**
 * adapter-node closes the HTTP server on SIGTERM/SIGINT and waits for open requests: live
 * streams are ended at once so it need not wait, and the pools after it, so the process exits.
 */
function installShutdown(s: Services): void {
  const endStreams = () => s.live.closeAll();
  process.once('SIGTERM', endStreams);
  process.once('SIGINT', endStreams);
  process.once('sveltekit:shutdown' as 'exit', () => {
    void s.live.stop().finally(() => s.sql.end({ timeout: 2 }));
  });
}

/** The started services (throws if the server has not started them). */
export function services(): Services {
  if (!current) throw new Error('dashboard services are not started');
  return current;
}
