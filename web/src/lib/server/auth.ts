/**
 * Who is asking: a Clerk session token (verified offline with the instance's PEM key) or, without
 * Clerk keys, the local sign-in's signed cookie. Then whether they are an active team member,
 * asked of Postgres under RLS as that user.
 */
import { verifyToken } from '@clerk/backend';
import type { ClerkConfig, DashboardConfig } from './config.ts';
import { asUser, claimsFor, type Claims, type Sql } from './db.ts';
import { LOCAL_COOKIE, localRequestProblem, verifySession } from './session.ts';

export interface Member {
  userId: string;
  name: string;
  email: string | null;
  role: 'admin' | 'member';
  claims: Claims;
}

export interface RequestFacts {
  clientAddress: string;
  headers: Headers;
  authorization: string | null;
  cookie(name: string): string | undefined;
}

/** Verified claims of a Clerk session token, or null (the reason is logged, never the token). */
export async function verifyClerkToken(token: string, clerk: ClerkConfig): Promise<Claims | null> {
  try {
    const payload = await verifyToken(token, { jwtKey: clerk.jwtKey, authorizedParties: clerk.authorizedParties });
    if (typeof payload.sub !== 'string' || !payload.sub) return null;
    return claimsFor(payload.sub, payload as Record<string, unknown>);
  } catch (err) {
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    console.warn(JSON.stringify({ msg: 'clerk token rejected', reason }));
    return null;
  }
}

/** The claims of whoever sent this request, or null for a signed-out visitor. */
export async function identify(req: RequestFacts, cfg: DashboardConfig): Promise<Claims | null> {
  if (cfg.clerk) {
    const bearer = req.authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
    const token = bearer ?? req.cookie('__session');
    return token ? verifyClerkToken(token, cfg.clerk) : null;
  }
  // The local sign-in exists for the machine the stack runs on, never for the network.
  if (!cfg.localSignIn || localRequestProblem(req)) return null;
  const cookie = req.cookie(LOCAL_COOKIE);
  const userId = verifySession(cfg.sessionSecret, cookie);
  // The expiry rides along as `exp`, as in a Clerk token: a live stream ends with it.
  return userId ? claimsFor(userId, { exp: Number(cookie!.split('.')[1]) }) : null;
}

/** The active team member with these claims, read under RLS (a non-member sees no rows). */
export async function memberFor(sql: Sql, claims: Claims): Promise<Member | null> {
  const rows = await asUser(sql, claims, (tx) => tx<{ user_id: string; name: string; email: string | null; role: 'admin' | 'member' }[]>`
    select user_id, name, email, role from public.team_members where user_id = ${claims.sub} and active
  `);
  const row = rows[0];
  return row ? { userId: row.user_id, name: row.name, email: row.email, role: row.role, claims } : null;
}

export interface SignInChoice {
  user_id: string;
  name: string;
  role: string;
}

/** The people the local sign-in offers (see the dashboard migration for why this is not RLS). */
export async function signInChoices(sql: Sql): Promise<SignInChoice[]> {
  return sql<SignInChoice[]>`select user_id, name, role from public.dashboard_sign_in_choices()`;
}
