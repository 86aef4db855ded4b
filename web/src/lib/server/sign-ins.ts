/**
 * Clerk sign-ins in the audit log. Clerk verifies the session on every request and never calls
 * us at sign-in, so a session's first request here records it (audit_session_sign_in keeps it to
 * one entry per session whichever process asks); sessions seen by this process are not asked again.
 */
import type { Sql } from 'postgres';
import { asUser, type Claims } from './db.ts';

const seen = new Set<string>();
const MAX_SEEN = 10_000;

export async function auditClerkSignIn(sql: Sql, claims: Claims): Promise<void> {
  const sid = (claims as Record<string, unknown>).sid;
  if (typeof sid !== 'string' || seen.has(sid)) return;
  try {
    await asUser(sql, claims, (tx) => tx`select public.audit_session_sign_in(${sid})`);
    if (seen.size >= MAX_SEEN) seen.clear();
    seen.add(sid);
  } catch (err) {
    // The page still loads; the next request tries again.
    console.warn(JSON.stringify({ msg: 'sign-in not audited', reason: (err as Error).message }));
  }
}
