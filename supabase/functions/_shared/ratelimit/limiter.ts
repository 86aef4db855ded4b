/**
 * Abuse limits on the Twilio webhooks: per caller number and per request source. A caller over a
 * limit hears a short refusal and the call ends; nothing else runs for them (no database, no
 * brain). The limits live in Upstash (see upstash.ts); without it nothing is limited.
 */
import type { AgentConfig } from '../brain/types.ts';
import { document, twiml } from '../twilio/twiml.ts';

export interface RateLimitRequest {
  /** The function answering, e.g. 'twilio-turn'. */
  fn: string;
  /** The caller's number as Twilio sent it (From), after the signature was checked. */
  caller: string;
  /** Where the request came from (the first x-forwarded-for address), or 'unknown'. */
  source: string;
}

export interface CallLimiter {
  /** Whether this request may go on. Never throws: an unreachable limit store lets it through. */
  allows(req: RateLimitRequest): Promise<boolean>;
}

/** The client address a proxy in front of the function reports. */
export function requestSource(req: Request): string {
  const forwarded = req.headers.get('x-forwarded-for')?.split(',')[0]?.trim();
  return forwarded || req.headers.get('x-real-ip')?.trim() || 'unknown';
}

/** What a caller over the limit hears, in the agent's voice when it is known. */
export function refusalTwiml(agent?: Pick<AgentConfig, 'voice' | 'language'>): string {
  const voice = agent
    ? { voice: agent.voice, language: agent.language }
    : { voice: 'Polly.Joanna-Neural', language: 'en-US' };
  return document(
    twiml.say(
      'Sorry, we are receiving too many calls from your number right now. Please try again later. Goodbye.',
      voice,
    ),
    twiml.hangup(),
  );
}

/** The refusal to answer instead of running the webhook, or null when the request may go on. */
export async function rateLimitRefusal(
  rt: { limiter?: CallLimiter; lastKnown: { agent?: AgentConfig } },
  fn: string,
  caller: string,
  req: Request,
): Promise<string | null> {
  if (!rt.limiter) return null;
  const allowed = await rt.limiter.allows({ fn, caller, source: requestSource(req) });
  return allowed ? null : refusalTwiml(rt.lastKnown.agent);
}
