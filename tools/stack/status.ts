/** What `npm run stack:status` prints, also used by the simulator and the tests to find a stack. */
import { existsSync } from 'node:fs';
import { stackLayout, type Profile } from './config.ts';
import { localSecrets } from './secrets.ts';
import { urlHealthy } from './proc.ts';
import { postgresUp } from './postgres.ts';
import { readPid } from './services.ts';
import { standInCaFile, usesLocalRealtime } from './realtime-standin.ts';

export interface StackStatus {
  profile: Profile;
  db_url: string;
  functions_url: string;
  dashboard_url: string;
  twilio_auth_token: string;
  twilio_account_sid: string;
  twilio_number: string;
  /** The Postgres cluster's files (outside the clone when run as root). */
  data_dir: string;
  /** The local Realtime API stand-in (wss) and its CA certificate file, when realtime calls use it. */
  realtime_standin: { url: string; ca_file: string } | null;
  up: { postgres: boolean; functions: boolean; worker: boolean; dashboard: boolean };
}

/** What this clone's stack of a profile is; a part counts as up when it is this clone's process and it answers. */
export async function stackStatus(profile: Profile = 'dev'): Promise<StackStatus> {
  const layout = stackLayout(profile);
  const secrets = localSecrets(layout);
  const ours = (service: 'functions' | 'dashboard', url: string) =>
    readPid(layout, service) !== null ? urlHealthy(url) : Promise.resolve(false);
  const [postgres, functions, dashboard] = await Promise.all([
    postgresUp(layout),
    ours('functions', `${layout.functionsUrl}/health`),
    ours('dashboard', `${layout.dashboardUrl}/healthz`),
  ]);
  return {
    profile,
    db_url: layout.dbUrl,
    functions_url: layout.functionsUrl,
    dashboard_url: layout.dashboardUrl,
    twilio_auth_token: secrets.twilio_auth_token,
    twilio_account_sid: secrets.twilio_account_sid,
    twilio_number: secrets.twilio_number,
    data_dir: layout.pgData,
    realtime_standin: usesLocalRealtime() && existsSync(standInCaFile(layout))
      ? { url: `https://127.0.0.1:${layout.realtimeApiPort}`, ca_file: standInCaFile(layout) } : null,
    up: { postgres, functions, worker: readPid(layout, 'worker') !== null, dashboard },
  };
}
