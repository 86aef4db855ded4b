/**
 * The limits' sizes and which store keeps them, from the environment: RATE_LIMIT_CALLER and
 * RATE_LIMIT_SOURCE ("calls/seconds s", e.g. "20/3600s"); Upstash when UPSTASH_REDIS_REST_URL and
 * UPSTASH_REDIS_REST_TOKEN are set, Postgres otherwise.
 */
import { ConfigError } from '../runtime/config.ts';
import type { Logger } from '../runtime/log.ts';
import type { Sql } from '../runtime/runtime.ts';
import type { CallLimiter } from './limiter.ts';
import { postgresLimiter } from './postgres.ts';
import { upstashLimiter } from './upstash.ts';

export interface Limit {
  requests: number;
  seconds: number;
}

export interface Limits {
  caller: Limit;
  source: Limit;
}

/**
 * New calls per window. A person rarely calls a business more than a few times an hour; the
 * source is Twilio's edge for every caller at once, so its limit caps all new calls together.
 */
export const DEFAULT_LIMITS: Limits = {
  caller: { requests: 20, seconds: 3600 },
  source: { requests: 600, seconds: 60 },
};

/** Parses "20/3600s" (or "20/3600"); throws naming the variable when malformed. */
export function parseLimit(name: string, text: string): Limit {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*s?\s*$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new Error(`${name} must look like "20/3600s" (calls/seconds)`);
  }
  return { requests: Number(m[1]), seconds: Number(m[2]) };
}

export function limitsFromEnv(env: Record<string, string | undefined>): Limits {
  return {
    caller: env.RATE_LIMIT_CALLER ? parseLimit('RATE_LIMIT_CALLER', env.RATE_LIMIT_CALLER) : DEFAULT_LIMITS.caller,
    source: env.RATE_LIMIT_SOURCE ? parseLimit('RATE_LIMIT_SOURCE', env.RATE_LIMIT_SOURCE) : DEFAULT_LIMITS.source,
  };
}

/** The limiter the environment configures: Upstash when set (said in the log), Postgres otherwise. */
export function limiterFromEnv(env: Record<string, string | undefined>, sql: Sql, log: Logger): CallLimiter {
  const limits = limitsFromEnv(env);
  const url = env.UPSTASH_REDIS_REST_URL?.trim();
  const token = env.UPSTASH_REDIS_REST_TOKEN?.trim();
  if (!url && !token) {
    log.info('rate limits in Postgres (no Upstash)');
    return postgresLimiter({ sql, log, ...limits });
  }
  const missing = [!url && 'UPSTASH_REDIS_REST_URL', !token && 'UPSTASH_REDIS_REST_TOKEN']
    .filter((v): v is string => !!v);
  if (missing.length > 0) throw new ConfigError(missing);
  log.info('rate limits in Upstash');
  return upstashLimiter({ url: url!, token: token!, log, ...limits });
}
