/** Turning model output into something a phone voice can say, and spotting output that is not. */
import type { TurnActions } from '../types.ts';

/** Longest reply worth speaking; anything longer is a model gone astray. */
export const MAX_REPLY_CHARS = 1200;

/** Strip markdown a voice would read out literally, and collapse whitespace. */
export function cleanReply(text: string): string {
  return text
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/^\s{0,3}(#{1,6}|[-*•]|\d+[.)])\s+/gm, '')
    .replace(/(\*\*|__|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Why a cleaned reply should not be spoken, or null when it is fine: empty, a leaked tool call or
 * JSON, or far too long.
 */
export function replyProblem(reply: string): 'empty' | 'garbage' | null {
  if (!reply) return 'empty';
  if (/^[{[]/.test(reply) || /<\/?(tool_call|function|tool_use)\b/i.test(reply)) return 'garbage';
  if (/"(name|arguments|tool_calls)"\s*:/.test(reply)) return 'garbage';
  if (reply.length > MAX_REPLY_CHARS) return 'garbage';
  return null;
}

/**
 * Merge the actions of one tool outcome into the turn's: lead fields accumulate (later values
 * win), the single-valued actions take the latest, and hangup stays set once set.
 */
export function mergeActions(into: TurnActions, more: TurnActions): TurnActions {
  const out: TurnActions = { ...into };
  if (more.lead) out.lead = { ...into.lead, ...more.lead };
  if (more.callback) out.callback = more.callback;
  if (more.transfer) out.transfer = more.transfer;
  if (more.message) out.message = more.message;
  if (more.hangup) out.hangup = true;
  return out;
}
