import { createHmac } from 'node:crypto';

/** Webhook parameters: a record (an array value = a repeated name) or ordered name/value pairs. */
export type SignedParams = Record<string, string | readonly string[]> | ReadonlyArray<readonly [string, string]>;

/** Flattens parameters into name/value pairs, keeping repeated names. */
export function paramPairs(params: SignedParams): Array<[string, string]> {
  if (Array.isArray(params)) return params.map(([name, value]) => [name, value]);
  const pairs: Array<[string, string]> = [];
  for (const [name, value] of Object.entries(params as Record<string, string | readonly string[]>)) {
    if (typeof value === 'string') pairs.push([name, value]);
    else for (const each of value) pairs.push([name, each]);
  }
  return pairs;
}

/**
 * Twilio's X-Twilio-Signature: base64 HMAC-SHA1, keyed with the auth token, over the full URL
 * as requested (query included, byte for byte) followed by every POST parameter as name + value,
 * sorted by name; a repeated name contributes each of its values, sorted.
 */
export function sign(url: string, params: SignedParams, authToken: string): string {
  const byName = new Map<string, string[]>();
  for (const [name, value] of paramPairs(params)) {
    const values = byName.get(name) ?? [];
    values.push(value);
    byName.set(name, values);
  }
  // Default JS sort (UTF-16 code units) is what Twilio's own libraries use.
  let data = url;
  for (const name of [...byName.keys()].sort()) {
    for (const value of byName.get(name)!.sort()) data += name + value;
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}
