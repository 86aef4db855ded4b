/** Words for notifications: who called, what happened, when (in the business's time zone). */

export interface CustomerLike {
  name?: string | null;
  company?: string | null;
  phone_number?: string | null;
  email?: string | null;
}

/**
 * A name as the agent heard it, made safe for a subject line: names come from what callers said
 * (and call analysis), so a "name" could carry a header break, a link or a paragraph of bait.
 * Only letters, digits, spaces and the punctuation of names remain; links and addresses go; at
 * most 40 characters.
 */
export function safeName(text: string | null | undefined): string {
  const cleaned = (text ?? '')
    .normalize('NFKC')
    .replace(/[\p{C}\s]+/gu, ' ')
    .split(' ')
    .filter((word) => !/[/@:\\]|[a-z]{2,}\.[a-z]{2,}/i.test(word))
    .join(' ')
    .replace(/[^\p{L}\p{M}\p{N} '’.&-]/gu, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > 40 ? `${cleaned.slice(0, 39).trimEnd()}…` : cleaned;
}

/** 'Dana Whitfield (Orchard Dental)', the number, or 'an unknown caller'. */
export function who(c: CustomerLike | null | undefined, fallbackNumber?: string | null): string {
  const name = safeName(c?.name);
  const company = safeName(c?.company);
  if (name) return company ? `${name} (${company})` : name;
  return c?.phone_number ?? fallbackNumber ?? 'an unknown caller';
}

const OUTCOMES: Record<string, string> = {
  answered: 'questions answered',
  lead_captured: 'lead captured',
  callback_booked: 'callback booked',
  escalated: 'escalated to the team',
  message_taken: 'message taken',
  abandoned: 'hung up early',
};

export function outcomeWords(outcome: string | null | undefined): string {
  return (outcome && OUTCOMES[outcome]) ?? 'call ended';
}

/** 'Thu, Nov 26, 2:00 PM EST' in the business's time zone. */
export function localTime(at: Date | string, tz: string): string {
  return new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(at));
}

/** Lines of 'Label: value', skipping empty values. */
export function fieldLines(fields: [string, unknown][]): string {
  return fields
    .filter(([, v]) => v !== null && v !== undefined && String(v).trim() !== '')
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/** A sentiment in words, for people: 'positive (0.6)'. */
export function sentimentWords(score: number | string | null | undefined): string | null {
  if (score === null || score === undefined) return null;
  const n = Number(score);
  const word = n >= 0.25 ? 'positive' : n <= -0.25 ? 'negative' : 'neutral';
  return `${word} (${n.toFixed(2)})`;
}
