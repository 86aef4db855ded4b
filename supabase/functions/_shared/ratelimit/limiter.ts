/**
 * Abuse limits on new calls: per caller number and per request source. A new call over a limit
 * hears a short refusal and ends; nothing else runs for it (no conversation, no brain). Only the
 * start of a call is limited: a call in progress (its turns, its status callbacks, Twilio retrying
 * any of them) is never refused, so a spoofed number cannot cut off its victim's live call. The
 * limits live in Postgres (postgres.ts), or in Upstash when it is configured (upstash.ts).
 */
import type { AgentConfig } from '../brain/types.ts';
import { document, twiml } from '../twilio/twiml.ts';

export interface RateLimitRequest {
  /** The function answering, e.g. 'twilio-voice'. */
  fn: string;
  /** Twilio's CallSid: a call already started is never refused. */
  callSid: string;
  /** The caller's number as Twilio sent it (From), after the signature was checked. */
  caller: string;
  /** Where the request came from, as the nearest proxy saw it (see requestSource), or 'direct'. */
  source: string;
}

export interface CallLimiter {
  /** Whether this request may go on. Never throws: an unreachable limit store lets it through. */
  allows(req: RateLimitRequest): Promise<boolean>;
}

/** Only the webhook that starts a call is limited. */
export const LIMITED_FUNCTIONS: ReadonlySet<string> = new Set(['twilio-voice']);

/**
 * The address the proxy in front of the function saw: the LAST X-Forwarded-For entry. Each proxy
 * appends the peer it saw, so whatever the client wrote itself comes before it; the first entry is
 * the client's own claim and would let anyone pick their bucket (or a victim's). Without a proxy
 * the functions see the peer directly and there is no header: 'direct', which no source limit
 * counts (only the local stack runs so; a deployment's platform proxy always adds the header).
 */
export function requestSource(req: Request): string {
  const hops = req.headers.get('x-forwarded-for')?.split(',').map((h) => h.trim()).filter(Boolean) ?? [];
  return hops.at(-1) || 'direct';
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
  params: { callSid: string; from: string },
  req: Request,
): Promise<string | null> {
  if (!rt.limiter || !LIMITED_FUNCTIONS.has(fn)) return null;
  const allowed = await rt.limiter.allows({ fn, callSid: params.callSid, caller: params.from, source: requestSource(req) });
  return allowed ? null : refusalTwiml(rt.lastKnown.agent);
}
