/**
 * The worker's configuration, read once from the environment record the entry point passes in.
 * Every outside service is optional and degrades loudly: without it the work stays in the
 * database (notifications) or is skipped with a reason (CRM, callbacks), and `warnings` says so.
 */

export interface MailgunConfig {
  apiKey: string;
  domain: string;
  /** https://api.mailgun.net, https://api.eu.mailgun.net, or a local stand-in. */
  url: string;
  from: string;
}

export interface CrmConfig {
  url: string;
  secret: string;
  timeoutMs: number;
}

export interface OutboundConfig {
  accountSid: string;
  authToken: string;
  /** The team's Twilio number the callback comes from. */
  fromNumber: string;
  /** Twilio's REST base (https://api.twilio.com unless a local stand-in is named). */
  apiBaseUrl: string | null;
  /** Most one Calls API request may take (default 15 s, inside the job's 60 s). */
  requestTimeoutMs?: number;
}

export interface JobsConfig {
  mailgun: MailgunConfig | null;
  crm: CrmConfig | null;
  outbound: OutboundConfig | null;
  /** The public functions base, for the outbound call's webhook URLs. */
  publicFunctionsUrl: string;
  /** The bearer token the jobs-worker function accepts (the service role key on Supabase). */
  workerToken: string | null;
  /** Optional services that are off, by name, never with values. */
  warnings: string[];
}

const val = (env: Record<string, string | undefined>, name: string) => {
  const v = env[name]?.trim();
  return v ? v : undefined;
};

/** Reads the optional services; a half-configured one is off and named in `warnings`. */
export function readJobsConfig(
  env: Record<string, string | undefined>,
  publicFunctionsUrl: string,
): JobsConfig {
  const warnings: string[] = [];
  const group = (label: string, names: string[]) => {
    const values = names.map((n) => val(env, n));
    const missing = names.filter((_, i) => !values[i]);
    if (missing.length === names.length) warnings.push(`${label} off: ${names.join(', ')} not set`);
    else if (missing.length > 0) warnings.push(`${label} off: ${missing.join(', ')} not set`);
    return missing.length === 0 ? values as string[] : null;
  };

  const mg = group('email (Mailgun)', ['MAILGUN_API_KEY', 'MAILGUN_DOMAIN']);
  const crm = group('CRM webhook', ['CRM_WEBHOOK_URL', 'CRM_WEBHOOK_SECRET']);
  const tw = group('outbound callbacks', ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_PHONE_NUMBER']);

  return {
    mailgun: mg && {
      apiKey: mg[0],
      domain: mg[1],
      url: (val(env, 'MAILGUN_URL') ?? 'https://api.mailgun.net').replace(/\/+$/, ''),
      from: val(env, 'MAILGUN_FROM') ?? `LegacyAI Voice <voice@${mg[1]}>`,
    },
    crm: crm &&
      { url: crm[0], secret: crm[1], timeoutMs: Number(val(env, 'CRM_WEBHOOK_TIMEOUT_MS') ?? 10_000) },
    outbound: tw && {
      accountSid: tw[0],
      authToken: tw[1],
      fromNumber: tw[2],
      apiBaseUrl: val(env, 'TWILIO_API_BASE_URL')?.replace(/\/+$/, '') ?? null,
    },
    publicFunctionsUrl: publicFunctionsUrl.replace(/\/+$/, ''),
    workerToken: val(env, 'JOBS_WORKER_TOKEN') ?? val(env, 'SUPABASE_SERVICE_ROLE_KEY') ?? null,
    warnings,
  };
}
