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
  /** Null without Clerk keys: then the local, loopback-only sign-in must be opted into. */
  clerk: ClerkConfig | null;
  /** DASHBOARD_LOCAL_SIGN_IN=1, set by the local stack: pick a member, no password, loopback only. */
  localSignIn: boolean;
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

  const localSignIn = present(env.DASHBOARD_LOCAL_SIGN_IN) === '1';
  if (localSignIn && clerk) problems.push('DASHBOARD_LOCAL_SIGN_IN and CLERK_JWT_KEY are both set: choose one');
  if (!localSignIn && !clerk) {
    problems.push('CLERK_JWT_KEY is not set (a deployed dashboard signs in with Clerk; only the local stack sets ' +
      'DASHBOARD_LOCAL_SIGN_IN=1 for its password-less, loopback-only sign-in)');
  }
  const origin = present(env.ORIGIN);
  if (localSignIn && origin && !isLoopbackOrigin(origin)) {
    problems.push(`DASHBOARD_LOCAL_SIGN_IN is for this machine only, but ORIGIN is not a loopback address`);
  }

  const secret = present(env.DASHBOARD_SESSION_SECRET);
  if (secret && secret.length < 32) problems.push('DASHBOARD_SESSION_SECRET must be at least 32 characters');

  if (problems.length) throw new Error(`dashboard configuration: ${problems.join('; ')}`);
  return {
    databaseUrl: databaseUrl!,
    functionsUrl: present(env.FUNCTIONS_URL),
    origin,
    clerk,
    localSignIn,
    sessionSecret: secret ? Buffer.from(secret) : randomBytes(32),
    sessionSecretIsRandom: !secret,
  };
}

/** Whether an origin names this machine (127.0.0.0/8, ::1 or localhost). */
export function isLoopbackOrigin(origin: string): boolean {
  try {
    return isLoopbackHost(new URL(origin).host);
  } catch {
    return false;
  }
}

/** Whether a Host header (with or without a port) names this machine. */
export function isLoopbackHost(host: string | null): boolean {
  if (!host) return false;
  const name = host.trim().toLowerCase().replace(/:\d+$/, '');
  return /^127(\.\d{1,3}){3}$/.test(name) || name === '[::1]' || name === 'localhost';
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
