/**
 * The CRM webhook's signature: HMAC-SHA256 over `<unix seconds>.<body>` keyed with the shared
 * secret, sent as `X-LegacyAI-Signature: t=<unix seconds>,v1=<hex>` (the timestamp lets the
 * receiver refuse replays). Receivers recompute it over the raw body and compare in constant time.
 */

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(message)));
  return [...mac].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The signature header's value for this body at this time. */
export async function signatureHeader(secret: string, body: string, at: Date): Promise<string> {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

/**
 * Checks a signature header as a receiver would: right HMAC, timestamp within `toleranceS` of
 * `now`. Exported for receivers written in TypeScript and for tests.
 */
export async function verifySignature(
  secret: string,
  body: string,
  header: string | null,
  now: Date,
  toleranceS = 300,
): Promise<boolean> {
  const parts = Object.fromEntries((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1 || Math.abs(now.getTime() / 1000 - t) > toleranceS) return false;
  const expected = await hmacHex(secret, `${t}.${body}`);
  if (expected.length !== parts.v1.length) return false;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ parts.v1.charCodeAt(i);
  return diff === 0;
}
