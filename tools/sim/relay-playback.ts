/**
 * How the simulated caller hears a relay reply: Twilio speaks text at about 15 characters a
 * second, so a caller who cuts in N ms after the first word has heard the words that fit in N ms.
 */
export const SPEECH_CHARS_PER_SECOND = 15;
export const RELAY_REPLY_TIMEOUT_MS = 15_000;
export const RELAY_SILENCE_WAIT_MS = 20_000;

/** The part of `text` spoken in the first `ms`: whole words only, as Twilio's utteranceUntilInterrupt. */
export function heardAfter(text: string, ms: number): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  const chars = Math.floor((ms / 1000) * SPEECH_CHARS_PER_SECOND);
  if (chars >= clean.length) return clean;
  const cut = clean.slice(0, chars + 1);
  const lastSpace = cut.lastIndexOf(' ');
  return lastSpace > 0 ? clean.slice(0, lastSpace) : '';
}
