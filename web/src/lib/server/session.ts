/**
 * The local sign-in's session cookie: the user id, an expiry, and an HMAC over both. Used only
 * when no Clerk keys are configured, and only from loopback.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isLoopbackHost } from './config.ts';

export const LOCAL_COOKIE = 'dashboard_session';
export const LOCAL_SESSION_SECONDS = 12 * 60 * 60;

const b64 = (s: string) => Buffer.from(s).toString('base64url');
const mac = (secret: Buffer, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/** A signed cookie value for this user id, valid for `seconds`. */
export function signSession(secret: Buffer, userId: string, now = Date.now(), seconds = LOCAL_SESSION_SECONDS): string {
  const body = `${b64(userId)}.${Math.floor(now / 1000) + seconds}`;
  return `${body}.${mac(secret, body)}`;
}

/** The user id in a cookie value, or null when it is malformed, forged or expired. */
export function verifySession(secret: Buffer, value: string | undefined, now = Date.now()): string | null {
  const parts = value?.split('.');
  if (!parts || parts.length !== 3) return null;
  const [user, exp, sig] = parts;
  const expected = Buffer.from(mac(secret, `${user}.${exp}`));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (!/^\d+$/.test(exp) || Number(exp) * 1000 <= now) return null;
  return Buffer.from(user, 'base64url').toString('utf8') || null;
}

/** What the local sign-in needs to know of a request beyond its cookie. */
export interface LocalRequest {
  clientAddress: string;
  headers: Headers;
}

/**
 * Why the local sign-in refuses this request, or null when it comes from this machine directly.
 * A reverse proxy or tunnel on the same host (nginx, Caddy, ngrok) connects from loopback, so
 * the peer address alone proves nothing: such a hop adds Forwarded/X-Forwarded-* headers or
 * carries a public Host name, and either is refused.
 */
export function localRequestProblem(req: LocalRequest): string | null {
  if (!isLoopback(req.clientAddress)) return 'not from this machine';
  for (const name of req.headers.keys()) {
    if (name === 'forwarded' || name.startsWith('x-forwarded-') || name === 'x-real-ip' || name === 'via') {
      return 'came through a proxy';
    }
  }
  if (!isLoopbackHost(req.headers.get('host'))) return 'addressed to a non-loopback host name';
  return null;
}

/** Whether a client address is this machine (IPv4, IPv6 and IPv4-mapped IPv6 loopback). */
export function isLoopback(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}
