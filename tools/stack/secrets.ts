/**
 * The local stack's credentials: generated once per stack folder, unless .env.local sets them.
 * Nothing here is a real vendor secret; the local Twilio token only signs simulated webhooks.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type StackLayout } from './config.ts';

export interface LocalSecrets {
  twilio_auth_token: string;
  twilio_account_sid: string;
  twilio_number: string;
  jwt_secret: string;
}

/** Parses a dotenv file (KEY=value, # comments, optional quotes); a missing file is empty. */
export function readEnvFile(path = join(repoRoot, '.env.local')): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m || line.trim().startsWith('#')) continue;
    out[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

export function localSecrets(layout: StackLayout, envLocal = readEnvFile()): LocalSecrets {
  const file = join(layout.dir, 'secrets.json');
  let saved: LocalSecrets;
  if (existsSync(file)) {
    saved = JSON.parse(readFileSync(file, 'utf8'));
  } else {
    saved = {
      twilio_auth_token: randomBytes(16).toString('hex'),
      twilio_account_sid: `AC${randomBytes(16).toString('hex')}`,
      twilio_number: '+15550100000',
      jwt_secret: randomBytes(32).toString('hex'),
    };
    mkdirSync(layout.dir, { recursive: true });
    writeFileSync(file, JSON.stringify(saved, null, 2), { mode: 0o600 });
  }
  return {
    ...saved,
    twilio_auth_token: envLocal.TWILIO_AUTH_TOKEN || saved.twilio_auth_token,
    twilio_account_sid: envLocal.TWILIO_ACCOUNT_SID || saved.twilio_account_sid,
    twilio_number: envLocal.TWILIO_PHONE_NUMBER || saved.twilio_number,
  };
}

/** An HS256 JWT with a Supabase-style role claim (the anon and service_role keys functions get). */
export function roleKey(secret: string, role: 'anon' | 'service_role'): string {
  const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ iss: 'supabase-local', role, exp: 2_000_000_000 })}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}
