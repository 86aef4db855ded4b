/**
 * Twilio's request signature: HMAC-SHA1 over the full URL Twilio requested (with its query)
 * followed by every POST parameter as name + value, sorted by name (repeated names: values sorted
 * too), keyed with the account's auth token, base64.
 */
import { createHmac } from 'node:crypto';

const encoder = new TextEncoder();

/** The string Twilio signs for a form POST. */
export function signedPayload(url: string, params: Iterable<[string, string]>): string {
  const pairs = [...params].sort(([a, av], [b, bv]) => (a === b ? compare(av, bv) : compare(a, b)));
  return url + pairs.map(([name, value]) => name + value).join('');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// node:crypto's synchronous HMAC costs a third of WebCrypto's async one on this hot path.
function hmacSha1Base64(key: string, data: string): string {
  return createHmac('sha1', key).update(data, 'utf8').digest('base64');
}

/** The signature Twilio would send for this request. */
export function computeSignature(authToken: string, url: string, params: Iterable<[string, string]>): Promise<string> {
  return Promise.resolve(hmacSha1Base64(authToken, signedPayload(url, params)));
}

/** Equality that takes the same time wherever the strings first differ. */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Whether `signature` is valid for this URL and parameters. Twilio may sign the URL with or
 * without an explicit default port, so both forms are accepted, as Twilio's own SDK does.
 */
export async function isValidSignature(
  authToken: string,
  signature: string | null,
  url: string,
  params: [string, string][],
): Promise<boolean> {
  if (!signature) return false;
  for (const candidate of urlVariants(url)) {
    if (timingSafeEqual(await computeSignature(authToken, candidate, params), signature)) return true;
  }
  return false;
}

function urlVariants(url: string): string[] {
  const parsed = new URL(url);
  const defaultPort = parsed.protocol === 'https:' ? '443' : parsed.protocol === 'http:' ? '80' : '';
  const auth = parsed.username ? `${parsed.username}${parsed.password ? ':' + parsed.password : ''}@` : '';
  const rest = `${parsed.pathname}${parsed.search}`;
  const withPort = `${parsed.protocol}//${auth}${parsed.hostname}:${parsed.port || defaultPort}${rest}`;
  const withoutPort = parsed.port && parsed.port !== defaultPort ? url : `${parsed.protocol}//${auth}${parsed.hostname}${rest}`;
  return [...new Set([url, withPort, withoutPort])];
}
