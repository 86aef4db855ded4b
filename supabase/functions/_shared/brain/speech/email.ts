/**
 * Email addresses as speech recognition writes them: "dana at orchard dental dot com",
 * "j underscore smith at g mail dot com", "d a n a at ...", "dana@orcharddental.com".
 */

const EMAIL =
  /^[a-z0-9](?:[a-z0-9._%+-]*[a-z0-9])?@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,24}$/;

/** Whether a string has the shape of an email address (lower-case). */
export function isEmail(s: string): boolean {
  return EMAIL.test(s) && !s.includes('..');
}

const SYMBOLS: Record<string, string> = {
  dot: '.',
  period: '.',
  point: '.',
  underscore: '_',
  'under-score': '_',
  dash: '-',
  hyphen: '-',
  minus: '-',
  plus: '+',
};
/** Words that end the local part when walking back from "at". */
const LOCAL_STOP = new Set([
  'is',
  "it's",
  'its',
  'it',
  'email',
  'e-mail',
  'mail',
  'address',
  'my',
  'me',
  'reach',
  'and',
  'the',
  'yes',
  'yeah',
  'sure',
  'ok',
  'okay',
  "that's",
  'use',
  'try',
  'send',
  'to',
  'at',
  'on',
  'be',
  'would',
  'should',
  'so',
  'um',
  'uh',
  'oh',
  'well',
  'actually',
  'correct',
  'no',
  'sorry',
  'was',
  'i',
  "i'm",
  'us',
  'write',
  'via',
]);
/** Words that end the domain. */
const DOMAIN_STOP = new Set([
  'and',
  'thanks',
  'thank',
  'please',
  "that's",
  'is',
  'if',
  'or',
  'but',
  'so',
  'ok',
  'okay',
]);
const NOISE = new Set(['capital', 'lowercase', 'lower', 'case', 'letter', 'the', 'sign', 'symbol']);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, "'")
    .replace(/@/g, ' @ ')
    // "orcharddental.com" → "orcharddental dot com"; a sentence's final period is not a dot.
    .replace(/([a-z0-9])\.(?=[a-z0-9])/g, '$1 dot ')
    .replace(/[,;:!?"()]|\.(?=\s|$)/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    // spelled with hyphens: "d-a-n-a" → "dana"
    .map((w) => (/^([a-z0-9]-)+[a-z0-9]$/.test(w) ? w.replaceAll('-', '') : w));
}

function isAt(w: string): boolean {
  return w === 'at' || w === '@' || w === 'at-sign';
}

function domainFrom(ws: string[], start: number): string | null {
  let out = '';
  let dots = 0;
  let label = '';
  for (let i = start; i < ws.length; i++) {
    const w = ws[i];
    if (NOISE.has(w)) continue;
    const sym = SYMBOLS[w];
    if (sym === '.') {
      if (!label) break;
      out += label + '.';
      label = '';
      dots++;
      continue;
    }
    if (sym === '-') {
      label += '-';
      continue;
    }
    if (DOMAIN_STOP.has(w) || !/^[a-z0-9-]+$/.test(w)) break;
    // After a dot, one word is the next label: stop unless another dot follows.
    if (dots > 0 && label) break;
    label += w;
  }
  if (!dots || !label) return null;
  return out + label;
}

function localBefore(ws: string[], at: number): string | null {
  const parts: string[] = [];
  let lastWasWord = false;
  for (let i = at - 1; i >= 0; i--) {
    const w = ws[i];
    if (NOISE.has(w)) continue;
    const sym = SYMBOLS[w];
    if (sym) {
      parts.unshift(sym);
      lastWasWord = false;
      continue;
    }
    if (LOCAL_STOP.has(w) || !/^[a-z0-9]+$/.test(w)) break;
    // Two plain words in a row join only when they are spelled letters or digits ("d a n a", "smith 42").
    if (lastWasWord && !(w.length === 1 || /^\d+$/.test(parts[0]) || parts[0].length === 1)) break;
    parts.unshift(w);
    lastWasWord = true;
  }
  const local = parts.join('').replace(/^[._+-]+/, '');
  return local || null;
}

/** The email address in what the caller said, lower-cased; null when there is none. */
export function parseSpokenEmail(text: string): string | null {
  const ws = words(text);
  for (let i = ws.length - 1; i > 0; i--) {
    if (!isAt(ws[i])) continue;
    const domain = domainFrom(ws, i + 1);
    const local = domain && localBefore(ws, i);
    if (domain && local) {
      const email = `${local}@${domain}`;
      if (isEmail(email)) return email;
    }
  }
  return null;
}

/** An address spoken back: "dana at orcharddental dot com". */
export function speakEmail(email: string, lang: 'en' | 'es' = 'en'): string {
  if (lang === 'es') {
    return email.replace('@', ' arroba ').replace(/\./g, ' punto ').replace(/_/g, ' guion bajo ').replace(/-/g, ' guion ');
  }
  return email.replace('@', ' at ').replace(/\./g, ' dot ').replace(/_/g, ' underscore ').replace(
    /-/g,
    ' dash ',
  );
}
