/** Phone numbers spoken in words or digits → E.164 (North American numbers without a country code). */
import { digitRuns } from './numbers.ts';
import { correctionSplits } from './correction.ts';

const E164 = /^\+[1-9]\d{6,14}$/;

/** Whether a string is already an E.164 number. */
export function isE164(s: string | null | undefined): s is string {
  return typeof s === 'string' && E164.test(s);
}

/** A digit run as E.164, or null if it cannot be a full number. */
function runToE164(run: string): string | null {
  if (run.startsWith('+')) return isE164(run) ? run : null;
  if (run.length === 10 && /^[2-9]/.test(run)) return `+1${run}`;
  if (run.length === 11 && run.startsWith('1')) return `+${run}`;
  if (run.length >= 12 && run.length <= 15 && run.startsWith('00')) {
    const intl = `+${run.slice(2)}`;
    return isE164(intl) ? intl : null;
  }
  return null;
}

/**
 * The phone number in what the caller said ("(415) 555-0199", "four one five, five five five, oh
 * one nine nine", "+44 20 7946 0958"), as E.164; null when no full number was said. A full number
 * restated after a correction ("..., actually make that 415 555 0199") wins.
 */
export function parsePhone(text: string): string | null {
  for (const { before, after } of correctionSplits(text)) {
    const restated = phoneIn(after);
    if (restated && phoneIn(before)) return restated;
  }
  return phoneIn(text);
}

function phoneIn(text: string): string | null {
  const runs = digitRuns(text);
  for (const run of runs.sort((a, b) => b.length - a.length)) {
    const e164 = runToE164(run);
    if (e164) return e164;
  }
  // Numbers read out in groups separated by words ("five five five and then ..."): join adjacent runs.
  const joined = runToE164(digitRuns(text).join(''));
  return joined;
}

/** The last four digits, spoken one by one: "0 1 0 4". */
export function speakLastFour(e164: string): string {
  return e164.slice(-4).split('').join(' ');
}

/** "+15550100001" → "555-010-0001" for a North American number; others unchanged. */
export function speakPhone(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : e164;
}
