import { randomBytes } from 'node:crypto';
import type { Gather, RecordVerb } from './twiml.ts';

/** One thing the caller does when the agent waits for input. */
export type CallerInput =
  | { kind: 'speech'; text: string; confidence?: number }
  | { kind: 'digits'; digits: string }
  | { kind: 'silence' };

/** How a <Gather> or <Record> ends: with parameters for its action, or empty (ignored says why input was not taken). */
export type InputOutcome = { params: Record<string, string> } | { params: null; ignored?: string };

const DEFAULT_CONFIDENCE = 0.92;

/** A new Twilio SID: two-letter prefix and 32 lower-case hex digits. */
export function newSid(prefix: 'CA' | 'RE'): string {
  return prefix + randomBytes(16).toString('hex');
}

/** The transcript line for a caller input. */
export function describeInput(input: CallerInput): string {
  if (input.kind === 'speech') return input.text;
  if (input.kind === 'digits') return `[digits ${input.digits}]`;
  return '[silence]';
}

/**
 * What Twilio's <Gather> hands to its action. Input the Gather does not listen for (speech to a
 * dtmf-only Gather, keys to a speech-only one) is not heard, so the Gather times out empty.
 */
export function gatherOutcome(gather: Gather, input: CallerInput): InputOutcome {
  if (input.kind === 'speech') {
    if (!gather.input.includes('speech')) return { params: null, ignored: 'speech ignored: the <Gather> only takes keys' };
    const text = input.text.trim();
    if (!text) return { params: null };
    return { params: { SpeechResult: text, Confidence: String(input.confidence ?? DEFAULT_CONFIDENCE) } };
  }
  if (input.kind === 'digits') {
    if (!gather.input.includes('dtmf')) return { params: null, ignored: 'keys ignored: the <Gather> only takes speech' };
    const digits = gatheredDigits(input.digits, gather);
    return digits ? { params: { Digits: digits } } : { params: null };
  }
  return { params: null };
}

// Twilio stops collecting at the first finishOnKey key (which is not sent) or after numDigits keys.
function gatheredDigits(pressed: string, gather: Gather): string {
  let digits = '';
  for (const key of pressed) {
    if (gather.finishOnKey.includes(key)) break;
    digits += key;
    if (gather.numDigits !== undefined && digits.length >= gather.numDigits) break;
  }
  return digits;
}

/**
 * What Twilio's <Record> hands to its action. Speech is the recorded message, ended with '#'
 * when '#' finishes the recording (else by the silence timeout, with no Digits). Keys or silence
 * alone make an empty recording: Twilio then skips the action and runs the next verb.
 */
export function recordOutcome(record: RecordVerb, input: CallerInput, accountSid: string): InputOutcome {
  if (input.kind !== 'speech' || !input.text.trim()) return { params: null };
  const sid = newSid('RE');
  const words = input.text.trim().split(/\s+/).length;
  const seconds = Math.min(record.maxLength || 3600, Math.max(1, Math.ceil(words / 2.5)));
  return {
    params: {
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`,
      RecordingDuration: String(seconds),
      RecordingSid: sid,
      ...(record.finishOnKey.includes('#') ? { Digits: '#' } : {}),
    },
  };
}
