/**
 * The limits kept in Upstash Redis with @upstash/ratelimit (sliding windows), used instead of
 * Postgres when UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN are set.
 */
import { Ratelimit } from '@upstash/ratelimit';
import { Redis } from '@upstash/redis';
import { errorFields, type Logger } from '../runtime/log.ts';
import type { CallLimiter, RateLimitRequest } from './limiter.ts';
import type { Limits } from './limits.ts';

export interface UpstashLimiterOptions extends Limits {
  url: string;
  token: string;
  log: Logger;
  /** Past this the request goes on unlimited (the limit store is slow or down). */
  timeoutMs?: number;
}

/** How long a started call is remembered, so its retried start never counts or is refused. */
const STARTED_SECONDS = 4 * 3600;

export function upstashLimiter(o: UpstashLimiterOptions): CallLimiter {
  const redis = new Redis({
    url: o.url,
    token: o.token,
    retry: { retries: 1, backoff: () => 20 },
    enableTelemetry: false,
  });
  const make = (prefix: string, limit: Limits['caller']) =>
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
  const timeout = <T>(p: Promise<T>) =>
    Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), o.timeoutMs ?? 500))]);
  return {
    async allows(req: RateLimitRequest) {
      try {
        // First sight of this CallSid? A retried start of a call already let in is not counted.
        const first = await timeout(redis.set(`legacyai:rl:call:${req.callSid}`, 1, { nx: true, ex: STARTED_SECONDS }));
        if (first === null) return true;
        const caller = await byCaller.limit(req.caller || 'unknown');
        // No proxy in front (the local stack): no source to count by.
        const source = caller.success && req.source !== 'direct' ? await bySource.limit(req.source) : caller;
        if (caller.success && source.success) return true;
        // Refused: forget the CallSid, so Twilio retrying this refused start is refused again.
        await redis.del(`legacyai:rl:call:${req.callSid}`).catch(() => {});
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
