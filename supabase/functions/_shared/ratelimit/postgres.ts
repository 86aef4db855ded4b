/**
 * The limits kept in Postgres (`public.call_start_refusal`: sliding windows, and a CallSid already
 * stored always goes on). One round trip per new call; turns never ask.
 */
import { errorFields, type Logger } from '../runtime/log.ts';
import type { Sql } from '../runtime/runtime.ts';
import type { CallLimiter } from './limiter.ts';
import type { Limits } from './limits.ts';

export interface PostgresLimiterOptions extends Limits {
  sql: Sql;
  log: Logger;
  /** Past this the call goes on unlimited (the database is slow; the call itself will tell). */
  timeoutMs?: number;
}

export function postgresLimiter(o: PostgresLimiterOptions): CallLimiter {
  const timeoutMs = o.timeoutMs ?? 1000;
  return {
    async allows(req) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const query = o.sql<{ refused: string | null }[]>`select public.call_start_refusal(${req.callSid},
          ${req.caller}, ${req.source === 'direct' ? null : req.source}, ${o.caller.requests}, ${o.caller.seconds}, ${o.source.requests},
          ${o.source.seconds}) as refused`;
        const late = new Promise<'late'>((resolve) => timer = setTimeout(() => resolve('late'), timeoutMs));
        const result = await Promise.race([query, late]);
        if (result === 'late') {
          query.catch(() => {});
          o.log.warn('rate limit unavailable; request let through', { reason: 'timeout' });
          return true;
        }
        const refused = result[0]?.refused;
        if (!refused) return true;
        o.log.warn('rate limit reached; call refused', { function: req.fn, limit: refused });
        return false;
      } catch (err) {
        o.log.warn('rate limit unavailable; request let through', errorFields(err));
        return true;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
