/**
 * What the caller said, tokenised once per turn: original-case tokens (for names), lower-case
 * tokens, and a lower-case text with single spaces that the intent patterns match against.
 * Punctuation stays as its own token so patterns do not run across sentence boundaries.
 */
import { stemmer } from 'stemmer';

export interface Utterance {
  raw: string;
  /** Tokens as spoken (case kept). */
  tokens: string[];
  /** Lower-case tokens, apostrophes normalised. */
  lower: string[];
  /** `lower` joined by single spaces. */
  text: string;
  /** Character offset of each token in `text`. */
  starts: number[];
}

const TOKEN =
  /[A-Za-zÀ-ÖØ-öø-ÿ]+(?:['’][A-Za-zÀ-ÖØ-öø-ÿ]+)*(?:-[A-Za-zÀ-ÖØ-öø-ÿ]+)*|\+?\d+(?:[.,:-]\d+)*|@|[.,!?;]/g;

/** Tokenise caller text. */
export function utterance(raw: string): Utterance {
  const cleaned = raw.replace(/[’‘`]/g, "'").replace(/\b([ap])\.\s?m\b\.?/gi, '$1m');
  const tokens = cleaned.match(TOKEN) ?? [];
  const lower = tokens.map((t) => t.toLowerCase());
  const starts: number[] = [];
  let pos = 0;
  for (const t of lower) {
    starts.push(pos);
    pos += t.length + 1;
  }
  return { raw, tokens, lower, text: lower.join(' '), starts };
}

/** Index of the token that starts at or contains character `offset` of `u.text`. */
export function tokenAt(u: Utterance, offset: number): number {
  let i = 0;
  while (i + 1 < u.starts.length && u.starts[i + 1] <= offset) i++;
  return i;
}

/** Words that carry no topic: function words and verbs of asking. */
export const STOPWORDS = new Set(
  ('a an the and or but if so of to in on at by for with from about as into over than then that this these those ' +
    'i me my mine we us our you your yours he she it its they them their is am are was were be been being do does ' +
    "did doing have has had having can could will would shall should may might must i'm i've i'd i'll it's that's " +
    "what's you're we're there's here's don't doesn't didn't isn't aren't what which who whom whose when where why how " +
    'not no yes yeah ok okay hi hello hey please thanks thank just really very also too any some all there here ' +
    'like know tell want wanted wondering wonder question ask asking say get got need let give one much many more ' +
    'um uh er well oh great good sure right now today kind sort thing something anything lot bit go going ' +
    'offer offers provide support supports checking check curious interested mean guys guy folks actually exactly ' +
    'basically literally maybe probably please else').split(/\s+/),
);

const stemCache = new Map<string, string>();
/** Porter stem of a lower-case word (cached). */
/** A word: letters (accented ones too, so "clínica" is not "cl" and "nica") and digits. */
const WORD = /[a-z0-9\u00e0-\u00f6\u00f8-\u00ff]+(?:'[a-z]+)?/g;

export function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    const base = word.replace(/'s$/, '');
    s = stemmer(base);
    // A stem of one or two letters collides with other words ("suing" → "su", Spanish "su";
    // "using" → "us"): such a word is kept whole.
    if (s.length < 3 && base.length > 3) s = base;
    if (stemCache.size < 20000) stemCache.set(word, s);
  }
  return s;
}

let stopStems: Set<string> | null = null;

/** Content stems of a text: words only, stopwords dropped (also inflected: "supported", "offering"). */
export function contentStems(text: string): string[] {
  stopStems ??= new Set([...STOPWORDS].map(stem));
  const words = text.toLowerCase().replace(/[’']/g, "'").match(WORD) ?? [];
  return words.filter((w) => !STOPWORDS.has(w) && w.length > 1).map(stem).filter((s) => !stopStems!.has(s));
}

/** All stems of a text, stopwords kept (for phrase matching). */
export function allStems(text: string): string[] {
  const words = text.toLowerCase().replace(/[’']/g, "'").match(WORD) ?? [];
  return words.map(stem);
}

/** Capitalise a spoken name token unless speech recognition already did ("o'brien" → "O'Brien"). */
export function titleWord(token: string): string {
  if (/[A-Z]/.test(token)) return token;
  return token
    .split(/(['-])/)
    .map((part, i, all) => {
      if (part === "'" || part === '-') return part;
      const prev = all[i - 2];
      // "o'brien" → O'Brien; "don't"-like tails (one or two letters after the apostrophe) stay lower.
      if (i > 0 && all[i - 1] === "'" && (part.length <= 2 || (prev && prev.length > 2))) return part;
      return part.charAt(0).toUpperCase() + part.slice(1);
    })
    .join('');
}

const QUESTION_START =
  /^(?:(?:hi|hello|hey|there|ok|okay|so|and|um|uh|yeah|yes|no|well|sorry|great|thanks|oh|fine|alright|right|cool|perfect|sure|then|also|but|just)\s+(?:,\s+)?)*(?:how|what|what's|whats|when|where|where's|who|who's|why|which|do|does|did|is|are|was|were|can|could|would|will|should|may|have|has|any|tell me)\b/;

/** Whether the utterance is put as a question (speech recognition often drops the question mark). */
export function looksLikeQuestion(u: Utterance): boolean {
  return u.raw.includes('?') ||
    /^(?:(?:oh|um|uh|ok|okay|so|but|sorry|and) )*(?:wait|hang on|hold on|actually|quick question|one (?:more )?question|real quick|before (?:that|we go on)|first)\b.*\b(?:how|what|what's|whats|when|where|who|why|which|do you|does it|is it|is there|are you|can you|can i)\b/
      .test(u.text) ||
    /\bhow (?:much|many|long|soon)\b/.test(u.text) ||
    u.text.split(/ [.,;!] | (?:and|so|but) /).some((c) => QUESTION_START.test(c.trim())) ||
    /\b(?:i was wondering|i (?:just |really |also )?(?:want|wanted|'d like|would like|need) to know|wondering (?:if|whether|about|what|how)|curious (?:if|about|whether)|checking (?:if|whether|what|on|how))\b/
      .test(u.text);
}
