/**
 * Postgres access. Every read and write of team data runs in a transaction as the role
 * `authenticated` with the signed-in user's claims, so the same RLS policies apply as through
 * Supabase's Data API. The connection's own (privileged) role is never used for team data.
 */
import postgres from 'postgres';

export type Sql = postgres.Sql;
export type Tx = postgres.TransactionSql;

/** The claims RLS sees through `auth.jwt()`. `sub` is the Clerk (or local) user id. */
export interface Claims {
  sub: string;
  role: 'authenticated';
  [claim: string]: unknown;
}

/** A pool for request work (transactions only; never LISTEN: see live.ts). */
export function createPool(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    idle_timeout: 60,
    connect_timeout: 10,
    connection: { application_name: 'legacyai-dashboard' },
    onnotice: () => {},
    // Counts, ids and money as plain numbers: the dashboard's figures stay far below 2^53.
    types: {
      int8: { to: 20, from: [20], parse: (v: string) => Number(v), serialize: (v: number) => String(v) },
      numeric: { to: 1700, from: [1700], parse: (v: string) => Number(v), serialize: (v: number) => String(v) },
    },
  });
}

/** Claims for a user id, with any verified token claims kept (sid, azp, org...). */
export function claimsFor(sub: string, extra: Record<string, unknown> = {}): Claims {
  return { ...extra, sub, role: 'authenticated' };
}

/** Run `fn` in one transaction as `authenticated` with these claims (RLS applies). */
export async function asUser<T>(sql: Sql, claims: Claims, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const result = await sql.begin(async (tx) => {
    await tx.unsafe('set local role authenticated');
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    return fn(tx);
  });
  return result as T;
}

/** Postgres errors carry a code; these are the ones forms turn into field errors. */
export function pgErrorCode(err: unknown): string | null {
  return typeof err === 'object' && err && 'code' in err ? String((err as { code: unknown }).code) : null;
}
