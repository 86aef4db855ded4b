import { readFileSync } from 'node:fs';
import { stackStatus } from '../stack/status.ts';
import type { SimTarget } from './scenario.ts';

/** A stack profile: the everyday one or the one tests run against. */
export type StackProfile = 'dev' | 'test';

/**
 * The target of a profile's running stack. SIM_FUNCTIONS_URL, SIM_DB_URL and TWILIO_AUTH_TOKEN
 * override what the stack reports (the database guard still compares with the stack's URL).
 * Throws listing every missing value at once.
 */
export async function resolveTarget(profile: StackProfile = 'dev', env: NodeJS.ProcessEnv = process.env): Promise<SimTarget & { functionsUp: boolean }> {
  const status = await stackStatus(profile);
  const target = {
    functionsUrl: env.SIM_FUNCTIONS_URL || status.functions_url,
    dbUrl: env.SIM_DB_URL || status.db_url,
    authToken: env.TWILIO_AUTH_TOKEN || status.twilio_auth_token,
    accountSid: status.twilio_account_sid,
    toNumber: status.twilio_number,
    stackDbUrl: status.db_url,
  };
  const standIn = status.realtime_standin;
  const realtime = standIn ? { standInUrl: standIn.url, standInCa: readFileSync(standIn.ca_file, 'utf8') } : undefined;
  const missing = Object.entries(target).filter(([, value]) => !value).map(([name]) => name);
  if (missing.length > 0) throw new Error(`the ${profile} stack reports no ${missing.join(', ')}`);
  return { ...target, realtime, functionsUp: Boolean(env.SIM_FUNCTIONS_URL) || status.up.functions };
}
