/**
 * The dashboard server's configuration, read once at start-up from the environment it is given.
 * Every missing or malformed value is reported by name, all at once.
 */
import { randomBytes } from 'node:crypto';

export interface ClerkConfig {
  /** PEM public key of the Clerk instance: tokens are verified without a network call. */
  jwtKey: string;
  /** Origins allowed in the token's `azp` claim. */
  authorizedParties: string[];
  publishableKey: string | null;
  /** Clerk's hosted sign-in page (derived from the publishable key unless given). */
  signInUrl: string | null;
}

export interface DashboardConfig {
  databaseUrl: string;
  functionsUrl: string | null;
  origin: string | null;
  /** Null without Clerk keys: the local, loopback-only sign-in is used instead. */
  clerk: ClerkConfig | null;
  /** Key of the HMAC that signs local session cookies. */
  sessionSecret: Buffer;
  sessionSecretIsRandom: boolean;
}

type Env = Record<string, string | undefined>;

const present = (v: string | undefined) => (v && v.trim() ? v.trim() : null);

/** Read and check the configuration; throws one error naming every problem. */
export function readConfig(env: Env): DashboardConfig {
  const problems: string[] = [];
  const databaseUrl = present(env.DATABASE_URL);
  if (!databaseUrl) problems.push('DATABASE_URL is not set');

  let clerk: ClerkConfig | null = null;
  const pem = present(env.CLERK_JWT_KEY)?.replace(/\\n/g, '\n') ?? null;
  if (pem) {
    if (!pem.includes('BEGIN PUBLIC KEY')) problems.push('CLERK_JWT_KEY is not a PEM public key');
    const parties = (present(env.CLERK_AUTHORIZED_PARTIES) ?? present(env.ORIGIN) ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (parties.length === 0) problems.push('CLERK_AUTHORIZED_PARTIES (or ORIGIN) is not set');
    const publishableKey = present(env.CLERK_PUBLISHABLE_KEY);
    clerk = {
      jwtKey: pem,
      authorizedParties: parties,
      publishableKey,
      signInUrl: present(env.CLERK_SIGN_IN_URL) ?? hostedSignInUrl(publishableKey),
    };
  }

  const secret = present(env.DASHBOARD_SESSION_SECRET);
  if (secret && secret.length < 32) problems.push('DASHBOARD_SESSION_SECRET must be at least 32 characters');

  if (problems.length) throw new Error(`dashboard configuration: ${problems.join('; ')}`);
  return {
    databaseUrl: databaseUrl!,
    functionsUrl: present(env.FUNCTIONS_URL),
    origin: present(env.ORIGIN),
    clerk,
    sessionSecret: secret ? Buffer.from(secret) : randomBytes(32),
    sessionSecretIsRandom: !secret,
  };
}

/**
 * Clerk's Account Portal sign-in page. A publishable key is `pk_<env>_` + base64 of the Frontend
 * API host followed by `$`; the Account Portal lives on the matching `accounts.` host.
 */
export function hostedSignInUrl(publishableKey: string | null): string | null {
  const m = publishableKey?.match(/^pk_(test|live)_(.+)$/);
  if (!m) return null;
  const host = Buffer.from(m[2], 'base64').toString('utf8').replace(/\$$/, '');
  if (!/^[a-z0-9.-]+$/i.test(host)) return null;
  const portal = host.endsWith('.clerk.accounts.dev')
    ? host.replace(/\.clerk\.accounts\.dev$/, '.accounts.dev')
    : host.replace(/^clerk\./, 'accounts.');
  return `https://${portal}/sign-in`;
}

/** The Frontend API host encoded in a publishable key (where clerk-js is served from). */
export function frontendApiHost(publishableKey: string | null): string | null {
  const m = publishableKey?.match(/^pk_(test|live)_(.+)$/);
  if (!m) return null;
  const host = Buffer.from(m[2], 'base64').toString('utf8').replace(/\$$/, '');
  return /^[a-z0-9.-]+$/i.test(host) ? host : null;
}
