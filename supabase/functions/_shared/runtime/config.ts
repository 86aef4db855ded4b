/** The functions' configuration: read once at the entry point, checked, then passed in. */

export interface AppConfig {
  /** Postgres connection string (Supabase gives functions SUPABASE_DB_URL). */
  dbUrl: string;
  /** Prepared statements; off behind Supabase's transaction pooler (port 6543). */
  dbPrepare: boolean;
  dbPoolMax: number;
  /** The token Twilio signs webhooks with. */
  twilioAuthToken: string;
  /** The public base Twilio requests, e.g. https://<ref>.supabase.co/functions/v1 (no trailing slash). */
  publicFunctionsUrl: string;
  /**
   * Most a Twilio webhook may take before it answers (Twilio waits 15 s): with a holding line while a
   * provider is still thinking, with the fallback while the database does not answer.
   */
  webhookDeadlineMs: number;
  /** Most one SQL statement may run (Postgres statement_timeout). */
  dbStatementTimeoutMs: number;
  /** Everything else (provider keys and base URLs), for the optional services. */
  env: Record<string, string | undefined>;
}

/**
 * A caller waits at most this long in silence: a slow provider then gets a holding line ("One
 * moment") and a database that does not answer gets the fallback. The brain's own budget (8 s)
 * spans two holds.
 */
export const DEFAULT_WEBHOOK_DEADLINE_MS = 4000;

export class ConfigError extends Error {
  constructor(readonly missing: string[]) {
    super(`missing required configuration: ${missing.join(', ')}`);
    this.name = 'ConfigError';
  }
}

/** A positive number from the environment, or the default when unset, empty or not a number. */
function positive(text: string | undefined, fallback: number): number {
  const n = Number(text?.trim() || NaN);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

/** Reads the configuration from an environment record; reports every missing value at once. */
export function readConfig(env: Record<string, string | undefined>): AppConfig {
  const missing: string[] = [];
  const need = (name: string, value = env[name]): string => {
    if (!value || value.trim() === '') missing.push(name);
    return value?.trim() ?? '';
  };
  const dbUrl = need('SUPABASE_DB_URL');
  const twilioAuthToken = need('TWILIO_AUTH_TOKEN');
  const publicBase = env.PUBLIC_FUNCTIONS_URL ?? (env.SUPABASE_URL ? `${env.SUPABASE_URL}/functions/v1` : undefined);
  const publicFunctionsUrl = need('PUBLIC_FUNCTIONS_URL', publicBase).replace(/\/+$/, '');
  if (missing.length > 0) throw new ConfigError(missing);
  const onPooler = /:6543\//.test(dbUrl);
  return {
    dbUrl,
    dbPrepare: env.DB_PREPARE ? env.DB_PREPARE === 'true' : !onPooler,
    dbPoolMax: Number(env.DB_POOL_MAX ?? 10),
    webhookDeadlineMs: positive(env.WEBHOOK_DEADLINE_MS, DEFAULT_WEBHOOK_DEADLINE_MS),
    dbStatementTimeoutMs: positive(env.DB_STATEMENT_TIMEOUT_MS, 5000),
    twilioAuthToken,
    publicFunctionsUrl,
    env,
  };
}
