/**
 * The local stand-in for the OpenAI Realtime API (supabase/functions/_shared/testing/realtime/),
 * used when `.env.local` names no OpenAI key for realtime. The real `openai` client connects only
 * over wss, so the stack makes a CA of its own (openssl) and a certificate for 127.0.0.1 under
 * `.stack/<profile>/realtime-tls/`; the functions trust that CA through DENO_CERT.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackLayout } from './config.ts';
import { run } from './proc.ts';
import { readEnvFile } from './secrets.ts';

export interface StandInTls {
  ca: string;
  cert: string;
  key: string;
}

/** Whether realtime calls go to the local stand-in (no real key for realtime in .env.local). */
export function usesLocalRealtime(envLocal = readEnvFile()): boolean {
  return !envLocal.OPENAI_REALTIME_BASE_URL && !envLocal.OPENAI_REALTIME_API_KEY && !envLocal.OPENAI_API_KEY;
}

export const standInCaFile = (layout: StackLayout) => join(layout.dir, 'realtime-tls', 'ca.pem');

/** The stand-in's CA and certificate, made once per stack folder. */
export function standInTls(layout: StackLayout): StandInTls {
  const dir = join(layout.dir, 'realtime-tls');
  const t = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  if (existsSync(t.ca) && existsSync(t.cert) && existsSync(t.key)) return t;
  mkdirSync(dir, { recursive: true });
  const ssl = (args: string[]) => run('openssl', args, { stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl(['req', '-x509', ...ec, '-keyout', join(dir, 'ca.key'), '-out', t.ca, '-days', '3650',
    '-subj', '/CN=LegacyAI local realtime CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign']);
  ssl(['req', ...ec, '-keyout', t.key, '-out', join(dir, 'leaf.csr'), '-subj', '/CN=127.0.0.1']);
  const ext = join(dir, 'leaf.ext');
  writeFileSync(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  ssl(['x509', '-req', '-in', join(dir, 'leaf.csr'), '-CA', t.ca, '-CAkey', join(dir, 'ca.key'), '-CAcreateserial',
    '-out', t.cert, '-days', '3650', '-extfile', ext]);
  return t;
}

/** What the functions need to reach the stand-in. */
export function standInEnv(layout: StackLayout): Record<string, string> {
  return {
    OPENAI_REALTIME_BASE_URL: `https://127.0.0.1:${layout.realtimeApiPort}/v1`,
    OPENAI_REALTIME_API_KEY: 'local-realtime-standin',
    DENO_CERT: standInTls(layout).ca,
  };
}
