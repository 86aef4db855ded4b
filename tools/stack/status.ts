/** What `npm run stack:status` prints, also used by the simulator and the tests to find a stack. */
import { stackLayout, type Profile } from './config.ts';
import { localSecrets } from './secrets.ts';
import { portOpen, urlHealthy } from './proc.ts';
import { readPid } from './services.ts';

export interface StackStatus {
  profile: Profile;
  db_url: string;
  functions_url: string;
  dashboard_url: string;
  twilio_auth_token: string;
  twilio_account_sid: string;
  twilio_number: string;
  up: { postgres: boolean; functions: boolean; worker: boolean; dashboard: boolean };
}

export async function stackStatus(profile: Profile = 'dev'): Promise<StackStatus> {
  const layout = stackLayout(profile);
  const secrets = localSecrets(layout);
  const [postgres, functions, dashboard] = await Promise.all([
    portOpen(layout.pgPort),
    urlHealthy(`${layout.functionsUrl}/health`),
    urlHealthy(`${layout.dashboardUrl}/healthz`),
  ]);
  return {
    profile,
    db_url: layout.dbUrl,
    functions_url: layout.functionsUrl,
    dashboard_url: layout.dashboardUrl,
    twilio_auth_token: secrets.twilio_auth_token,
    twilio_account_sid: secrets.twilio_account_sid,
    twilio_number: secrets.twilio_number,
    up: { postgres, functions, worker: readPid(layout, 'worker') !== null, dashboard },
  };
}
