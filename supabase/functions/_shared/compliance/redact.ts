/**
 * Redaction of payment and identity numbers from what callers say or key in, applied where
 * caller input enters the system (before the brain, the database, a provider or a log sees it):
 * card numbers (13 to 19 digits passing the Luhn check), US social security numbers (grouped
 * 3-2-4, or nine digits said with "social"/"SSN"), bank account and routing numbers (any run of 6
 * or more digits said with "account", "routing", "bank", "checking", "savings", or Spanish
 * "cuenta", "banco"). Phone numbers, times and prices stay: they are what the agent needs.
 *
 * Speech recognition writes numbers as digits ("4111 1111 1111 1111") or as words ("four one
 * one one ..."); both are read. The marker says what was removed, never any of its digits.
 */

export type RedactionKind = 'card' | 'ssn' | 'bank';

export const REDACTION_MARKERS: Record<RedactionKind, string> = {
  card: '[card number removed]',
  ssn: '[SSN removed]',
  bank: '[bank number removed]',
};

export interface Redacted {
  text: string;
  /** What was removed, in order of appearance (empty when nothing was). */
  kinds: RedactionKind[];
}

const DIGIT_WORDS: Record<string, string> = {
  zero: '0', oh: '0', o: '0', one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7',
  eight: '8', nine: '9', cero: '0', uno: '1', una: '1', dos: '2', tres: '3', cuatro: '4', cinco: '5', seis: '6',
  siete: '7', ocho: '8', nueve: '9',
};

const SSN_CONTEXT = /\b(social|ssn|s\.\s?s\.\s?n\.?|seguro social|seguridad social)\b/i;
const BANK_CONTEXT = /\b(account|acct|routing|aba|bank|banking|checking|savings|iban|cuenta|banco|bancaria|ruta)\b/i;

/** The Luhn check used by every card network. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length > 0 && sum % 10 === 0;
}

interface Run {
  start: number;
  end: number;
  digits: string;
  /** Sizes of the digit groups as written ("123-45-6789" is [3, 2, 4]). */
  groups: number[];
}

// A token that carries digits: a numeral group or a digit word. Runs of them may be joined by
// spaces, hyphens, dots, commas or slashes (how recognisers and people group long numbers).
const TOKEN = /[0-9]+|[a-záéíóú]+/gi;
const JOINER = /^[\s\-.,/]*$/;

function digitRuns(text: string): Run[] {
  const runs: Run[] = [];
  let current: Run | null = null;
  let lastEnd = 0;
  for (const m of text.matchAll(TOKEN)) {
    const token = m[0];
    const start = m.index!;
    const value = /^[0-9]+$/.test(token) ? token : DIGIT_WORDS[token.toLowerCase()];
    if (value !== undefined && current && JOINER.test(text.slice(lastEnd, start))) {
      current.digits += value;
      current.end = start + token.length;
      current.groups.push(value.length);
    } else if (value !== undefined) {
      if (current) runs.push(current);
      current = { start, end: start + token.length, digits: value, groups: [value.length] };
    } else if (current) {
      runs.push(current);
      current = null;
    }
    lastEnd = start + token.length;
  }
  if (current) runs.push(current);
  return runs;
}

/**
 * A card number inside the run: 13 to 19 digits passing Luhn, starting where a group starts
 * (a card said with its expiry date or code after it is one longer run).
 */
function holdsCard(run: Run): boolean {
  let offset = 0;
  for (const size of run.groups) {
    for (let len = 13; len <= 19 && offset + len <= run.digits.length; len++) {
      if (passesLuhn(run.digits.slice(offset, offset + len))) return true;
    }
    offset += size;
  }
  return false;
}

/** Which context the number was said in: the nearest keyword before it, else any in the utterance. */
function contextOf(run: Run, text: string): 'ssn' | 'bank' | null {
  const before = text.slice(0, run.start);
  const last = (re: RegExp) => Math.max(-1, ...[...before.matchAll(new RegExp(re.source, 'gi'))].map((m) => m.index!));
  const ssnAt = last(SSN_CONTEXT);
  const bankAt = last(BANK_CONTEXT);
  if (ssnAt >= 0 || bankAt >= 0) return ssnAt > bankAt ? 'ssn' : 'bank';
  if (SSN_CONTEXT.test(text)) return 'ssn';
  if (BANK_CONTEXT.test(text)) return 'bank';
  return null;
}

function kindOf(run: Run, text: string): RedactionKind | null {
  const n = run.digits.length;
  if (n >= 13 && holdsCard(run)) return 'card';
  const context = contextOf(run, text);
  if (n === 9 && (run.groups.join(',') === '3,2,4' || context === 'ssn')) return 'ssn';
  if (n >= 6 && n <= 17 && context !== null) return 'bank';
  return null;
}

/** Replaces card, SSN and bank numbers in one utterance (or keyed digits) by their markers. */
export function redactSensitive(text: string): Redacted {
  if (!text || !/[0-9]|\b(zero|oh|one|two|three|four|five|six|seven|eight|nine|cero|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve)\b/i.test(text)) {
    return { text, kinds: [] };
  }
  const kinds: RedactionKind[] = [];
  let out = '';
  let from = 0;
  for (const run of digitRuns(text)) {
    const kind = kindOf(run, text);
    if (!kind) continue;
    out += text.slice(from, run.start) + REDACTION_MARKERS[kind];
    from = run.end;
    kinds.push(kind);
  }
  return kinds.length ? { text: out + text.slice(from), kinds } : { text, kinds };
}

/** The caller's input of a webhook (speech and keyed digits), redacted; other fields unchanged. */
export function redactCallerInput<T extends { speechResult?: string; digits?: string }>(
  params: T,
): { params: T; kinds: RedactionKind[] } {
  const speech = params.speechResult ? redactSensitive(params.speechResult) : null;
  const digits = params.digits ? redactSensitive(params.digits) : null;
  const kinds = [...(speech?.kinds ?? []), ...(digits?.kinds ?? [])];
  if (!kinds.length) return { params, kinds };
  return {
    params: {
      ...params,
      ...(speech ? { speechResult: speech.text } : {}),
      // Keyed digits that held a number are dropped entirely: a marker is not a key press.
      ...(digits && digits.kinds.length ? { digits: undefined } : {}),
    },
    kinds,
  };
}
