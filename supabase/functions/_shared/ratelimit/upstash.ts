/**
 * The rate limits, kept in Upstash Redis with @upstash/ratelimit (sliding windows). Configured by
 * UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN; RATE_LIMIT_CALLER and RATE_LIMIT_SOURCE
 * ("requests/seconds s", e.g. "30/60s") override the defaults.
 */
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { ConfigError } from '../runtime/config.ts';
import { errorFields, type Logger } from '../runtime/log.ts';
import type { CallLimiter, RateLimitRequest } from './limiter.ts';

export interface Limit {
  requests: number;
  seconds: number;
}

/**
 * A caller's webhooks (each turn is one) per window: a brisk conversation is about one turn in
 * three seconds, so 30 a minute leaves room; a source is Twilio's edge for every caller at once.
 */
export const DEFAULT_LIMITS = {
  caller: { requests: 30, seconds: 60 },
  source: { requests: 600, seconds: 60 },
};

/** Only the webhooks that start or continue a conversation; status callbacks always run. */
const LIMITED = new Set(['twilio-voice', 'twilio-turn']);

/** Parses "30/60s" (or "30/60"); throws naming the variable when malformed. */
export function parseLimit(name: string, text: string): Limit {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*s?\s*$/.exec(text);
  if (!m || Number(m[1]) < 1 || Number(m[2]) < 1) {
    throw new Error(`${name} must look like "30/60s" (requests/seconds)`);
  }
  return { requests: Number(m[1]), seconds: Number(m[2]) };
}

export interface UpstashLimiterOptions {
  url: string;
  token: string;
  caller: Limit;
  source: Limit;
  log: Logger;
  /** Past this the request goes on unlimited (the limit store is slow or down). */
  timeoutMs?: number;
}

export function upstashLimiter(o: UpstashLimiterOptions): CallLimiter {
  const redis = new Redis({
    url: o.url,
    token: o.token,
    retry: { retries: 1, backoff: () => 20 },
    enableTelemetry: false,
  });
  const make = (prefix: string, limit: Limit) =>
    new Ratelimit({
      redis,
      prefix,
      limiter: Ratelimit.slidingWindow(limit.requests, `${limit.seconds} s`),
      timeout: o.timeoutMs ?? 500,
      analytics: false,
      ephemeralCache: new Map(),
    });
  const byCaller = make('legacyai:rl:caller', o.caller);
  const bySource = make('legacyai:rl:source', o.source);
  return {
    async allows(req: RateLimitRequest) {
      if (!LIMITED.has(req.fn)) return true;
      try {
        const [caller, source] = await Promise.all([
          byCaller.limit(req.caller || 'unknown'),
          bySource.limit(req.source),
        ]);
        if (caller.success && source.success) return true;
        o.log.warn('rate limit reached; call refused', {
          function: req.fn,
          limit: caller.success ? 'source' : 'caller',
        });
        return false;
      } catch (err) {
        o.log.warn('rate limit unavailable; request let through', errorFields(err));
        return true;
      }
    },
  };
}

/** The limiter the environment configures, or none (said once in the log). */
export function limiterFromEnv(
  env: Record<string, string | undefined>,
  log: Logger,
): CallLimiter | undefined {
  const url = env.UPSTASH_REDIS_REST_URL?.trim();
  const token = env.UPSTASH_REDIS_REST_TOKEN?.trim();
  if (!url && !token) {
    log.info('no Upstash: no rate limiting');
    return undefined;
  }
  const missing = [!url && 'UPSTASH_REDIS_REST_URL', !token && 'UPSTASH_REDIS_REST_TOKEN'].filter((
    v,
  ): v is string => !!v);
  if (missing.length > 0) throw new ConfigError(missing);
  return upstashLimiter({
    url: url!,
    token: token!,
    log,
    caller: env.RATE_LIMIT_CALLER
      ? parseLimit('RATE_LIMIT_CALLER', env.RATE_LIMIT_CALLER)
      : DEFAULT_LIMITS.caller,
    source: env.RATE_LIMIT_SOURCE
      ? parseLimit('RATE_LIMIT_SOURCE', env.RATE_LIMIT_SOURCE)
      : DEFAULT_LIMITS.source,
  });
}
