/**
 * The optional services of a local stack that are off, for the summary `npm start` and
 * `stack:up` print: what runs instead, and the .env.local variables that turn each on. The
 * functions decide for themselves at run time; Mailgun and the CRM webhook are read here with
 * the jobs worker's own reader, so the two cannot disagree.
 */
import { readJobsConfig } from '../../supabase/functions/_shared/jobs/config.ts';

export interface ServiceOff {
  service: string;
  /** What happens instead while it is off. */
  meaning: string;
  /** How to turn it on: the variables to set in .env.local. */
  turnOn: string;
}

type Env = Record<string, string | undefined>;

const set = (env: Env, name: string) => Boolean(env[name]?.trim());

/** The variables of a group that are still missing, as "A and B" (or every one when none is set). */
function missing(env: Env, names: string[]): string {
  const absent = names.filter((n) => !set(env, n));
  return absent.join(' and ');
}

/**
 * The optional services that are off for this environment (what the stack's processes get:
 * the shell's environment and .env.local). `localTwilioApi` is the stand-in's address when
 * outbound calls go to it.
 */
export function servicesOff(env: Env, localTwilioApi: string | null): ServiceOff[] {
  const off: ServiceOff[] = [];
  const ai = ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_BASE_URL'];
  if (!ai.some((n) => set(env, n))) {
    off.push({ service: 'AI provider', meaning: 'the offline engine answers every call (rules, no LLM)',
      turnOn: 'OPENAI_API_KEY or ANTHROPIC_API_KEY (or OPENAI_BASE_URL for Ollama, vLLM, LM Studio)' });
  }
  const jobs = readJobsConfig(env, 'http://127.0.0.1');
  if (!jobs.mailgun) {
    off.push({ service: 'Email (Mailgun)', meaning: 'notifications stay in the database and show on the dashboard',
      turnOn: missing(env, ['MAILGUN_API_KEY', 'MAILGUN_DOMAIN']) });
  }
  if (!jobs.crm) {
    off.push({ service: 'CRM webhook', meaning: 'leads and call summaries are not posted anywhere',
      turnOn: missing(env, ['CRM_WEBHOOK_URL', 'CRM_WEBHOOK_SECRET']) });
  }
  const upstash = ['UPSTASH_REDIS_REST_URL', 'UPSTASH_REDIS_REST_TOKEN'];
  if (!upstash.every((n) => set(env, n))) {
    off.push({ service: 'Rate limits (Upstash)', meaning: 'new calls are rate-limited in Postgres instead',
      turnOn: missing(env, upstash) });
  }
  if (!set(env, 'CLERK_JWT_KEY')) {
    off.push({ service: 'Sign-in (Clerk)', meaning: 'local sign-in on this machine only: pick a team member',
      turnOn: 'CLERK_JWT_KEY and CLERK_PUBLISHABLE_KEY' });
  }
  if (localTwilioApi) {
    off.push({ service: 'Twilio REST API', meaning: `outbound callbacks go to a local stand-in (${localTwilioApi})`,
      turnOn: 'TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_PHONE_NUMBER' });
  }
  return off;
}

/** The summary's block: one service a line, then the variables that turn it on. */
export function formatServicesOff(off: ServiceOff[]): string {
  if (off.length === 0) return 'Optional services: all on.';
  const width = Math.max(...off.map((s) => s.service.length));
  const lines = off.map((s) => `  ${s.service.padEnd(width)}  ${s.meaning}\n  ${' '.repeat(width)}  to turn on, set ${s.turnOn}`);
  return `Optional services that are off (set the variables in .env.local and restart; .env.example lists them):\n${lines.join('\n')}`;
}
