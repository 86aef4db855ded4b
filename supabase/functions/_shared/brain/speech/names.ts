/**
 * Callers' names from what they said (companies: company.ts): "my name is Dana Whitfield", "this is Marcus
 * Green", "I'm Tom Becker from Becker Plumbing", "my names jon smyth" (speech recognition dropping
 * the apostrophe), "the practice is called Orchard Dental", or a bare answer to "may I have your
 * name?". compromise's lexicon (first names, last names, parts of speech) tells a name from
 * "I'm interested" or "this is ridiculous".
 */
import nlp from 'compromise';
import { looksLikeQuestion, STOPWORDS, titleWord, type Utterance, utterance } from './text.ts';
import { correctionSplits } from './correction.ts';

const tagCache = new Map<string, Set<string>>();
/** compromise's tags for one lower-case word (cached: the lexicon lookup is the slow part). */
export function tagsOf(word: string): Set<string> {
  let tags = tagCache.get(word);
  if (!tags) {
    const terms = nlp(word).json()[0]?.terms ?? [];
    tags = new Set<string>(terms[0]?.tags ?? []);
    if (tagCache.size < 5000) tagCache.set(word, tags);
  }
  return tags;
}

const NOT_NAME_TAGS = [
  'Verb',
  'Adjective',
  'Adverb',
  'Determiner',
  'Preposition',
  'Pronoun',
  'Conjunction',
  'QuestionWord',
  'Negative',
  'Value',
  'Date',
  'Modal',
  'Auxiliary',
  'Copula',
  'Expression',
  'Actor',
  'Plural',
];
const NOT_NAME_WORDS = new Set([
  ...STOPWORDS,
  'calling',
  'looking',
  'interested',
  'here',
  'speaking',
  'back',
  'glad',
  'happy',
  'sorry',
  'fine',
  'trying',
  'ringing',
  'phoning',
  'owner',
  'manager',
  'customer',
  'client',
  'problem',
  'issue',
  'business',
  'company',
  'calling',
  'again',
  'still',
  'afraid',
  'done',
  'ready',
  'new',
  'existing',
  'only',
  'actually',
  'person',
  'human',
  'someone',
  'somebody',
  'nobody',
  'anyone',
  'everything',
  'nothing',
  'enough',
  'that',
  'regarding',
  'following',
  'wondering',
  'told',
  'about',
  'number',
  'email',
  'phone',
  'call',
  'callback',
  'representative',
  'agent',
  'operator',
  'ai',
  'robot',
  'bot',
  'assistant',
  'machine',
  'real',
  'live',
  'sometime',
  'anytime',
  'whenever',
  'later',
  'soon',
  'morning',
  'afternoon',
  'evening',
  'tonight',
  // Spanish "and", which the gloss leaves as said: "Soy Lucía Gómez y trabajo en ...".
  'y',
]);
const NAME_PARTICLES = new Set([
  'de',
  'van',
  'von',
  'der',
  'del',
  'della',
  'da',
  'di',
  'la',
  'le',
  'st',
  'bin',
  'al',
]);

const FUNCTION_TAGS = [
  'Determiner',
  'Preposition',
  'Pronoun',
  'Conjunction',
  'QuestionWord',
  'Negative',
  'Value',
  'Date',
  'Modal',
  'Auxiliary',
  'Copula',
  'Expression',
  'Gerund',
];

/**
 * Whether a token (original case) can be part of a person's name. `loose` for explicit cues ("my
 * name is"); `surname` for the words after a first name, which may be ordinary words (Green, Young).
 */
export function nameToken(raw: string, loose: boolean, surname = false): boolean {
  const w = raw.toLowerCase();
  if (!/^[a-zà-öø-ÿ]+(?:['-][a-zà-öø-ÿ]+)*$/.test(w) || NOT_NAME_WORDS.has(w)) return false;
  const tags = tagsOf(w);
  if (tags.has('FirstName') || tags.has('LastName') || tags.has('Person')) return true;
  if (FUNCTION_TAGS.some((t) => tags.has(t))) return false;
  // Speech recognition capitalises names mid-sentence ("I'm Frank Miller", "Grace", "Hope").
  if (/^[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]/.test(raw)) return true;
  if (!surname && NOT_NAME_TAGS.some((t) => tags.has(t))) return false;
  return loose || surname;
}

const CUE_FILLERS = new Set(['actually', 'just', 'uh', 'um', 'er', 'really', 'still', ',']);
const TITLES = new Set(['dr', 'doctor', 'mr', 'mrs', 'ms', 'miss', 'mx', 'prof', 'professor']);

/** Name tokens from index `i` on, at most four, stopping at the first that cannot be part of a name. */
function nameAt(u: Utterance, i: number, loose: boolean): string | null {
  // "Dr. Susan Park" → "Susan Park"
  while (TITLES.has(u.lower[i]) && i + 1 < u.lower.length) i += u.lower[i + 1] === '.' ? 2 : 1;
  const start = i;
  const out: string[] = [];
  for (let j = i; j < u.tokens.length && out.length < 4; j++) {
    const w = u.lower[j];
    if (
      out.length && NAME_PARTICLES.has(w) && j + 1 < u.tokens.length && nameToken(u.tokens[j + 1], true, true)
    ) {
      out.push(w);
      continue;
    }
    // The first word decides; later words only need to look like a surname.
    if (!nameToken(u.tokens[j], loose, out.length > 0)) break;
    out.push(titleWord(u.tokens[j]));
  }
  if (!out.length || NAME_PARTICLES.has(out[out.length - 1].toLowerCase())) return null;
  // "it's dana at orchard dental dot com" is an email, not a name.
  const next = u.lower[start + out.length];
  if (next === 'at' || next === '@' || next === 'dot' || next === 'underscore') return null;
  return out.join(' ');
}

const STRONG_NAME =
  /\b(?:my name is|my name's|my names|name is|name's|the name is|you can call me|just call me|i go by|they call me)\b/g;
const WEAK_NAME = /\b(?:this is|it's|its|it is|i'm|im|i am|here's|speaking with|with you is)\b/g;

export interface NameOptions {
  /** The agent just asked for the name: a bare answer ("Dana Whitfield", "sure, it's Dana") counts. */
  expect?: boolean;
  /** Whether "it's X" / "I'm X" / "this is X" may name the caller (not while asking for a company). */
  weakCues?: boolean;
}

/**
 * The caller's name in `u`, title-cased, or null. A name restated after a correction ("my name is
 * Jon, I mean John", "this is Dana, actually Diana Ross") wins over the one before it.
 */
export function extractName(u: Utterance, opts: NameOptions = {}): string | null {
  return restated(u, opts, nameIn) ?? nameIn(u, opts);
}

/**
 * What a parser finds after the caller's last correction, when what came before it held a value of
 * that kind too. A bare value after the marker counts only in a short tail that starts like a
 * name ("..., I mean John Smith"), not in a new sentence ("..., actually Grace told me to call").
 */
export function restated<O extends { expect?: boolean }>(
  u: Utterance,
  opts: O,
  find: (u: Utterance, opts: O) => string | null,
): string | null {
  for (const { before, after } of correctionSplits(u.raw)) {
    if (!find(utterance(before), opts)) continue;
    const tail = utterance(after);
    const cued = find(tail, opts);
    if (cued) return cued;
    const words = tail.lower.filter((w) => /\p{L}/u.test(w));
    const first = skipFillers(tail, 0, NAME_FILLERS);
    if (words.length <= 4 && first < tail.tokens.length && nameToken(tail.tokens[first], false)) {
      const bare = find(tail, { ...opts, expect: true });
      if (bare) return bare;
    }
  }
  return null;
}

function nameIn(u: Utterance, opts: NameOptions): string | null {
  const expectName = !!opts.expect;
  const cues: [RegExp, boolean][] = [[STRONG_NAME, true]];
  if (opts.weakCues !== false) cues.push([WEAK_NAME, expectName]);
  for (const [re, loose] of cues) {
    for (const m of u.text.matchAll(re)) {
      let at = u.starts.indexOf(m.index! + m[0].length + 1);
      if (at < 0) continue;
      while (CUE_FILLERS.has(u.lower[at])) at++;
      const name = nameAt(u, at, loose);
      if (name) return name;
    }
  }
  // "Dana here", "Dana speaking"
  const here = /^(?:(?:hi|hello|hey|yes|yeah)\s+(?:,\s+)?)?(\S+(?:\s+\S+)?)\s+(?:here|speaking)\b/.exec(
    u.text,
  );
  if (here) {
    const name = nameAt(u, u.starts.indexOf(here.index! + here[0].indexOf(here[1])), false);
    if (name) return name;
  }
  if (!expectName || looksLikeQuestion(u)) return null;
  const start = skipFillers(u, 0, NAME_FILLERS);
  return start < u.tokens.length ? nameAt(u, start, true) : null;
}

export const NAME_FILLERS = new Set([
  'yes',
  'yeah',
  'yep',
  'sure',
  'ok',
  'okay',
  'of',
  'course',
  'certainly',
  "it's",
  'it',
  'fine',
  'alright',
  'right',
  'like',
  'er',
  'its',
  'is',
  'my',
  'name',
  "name's",
  'names',
  'this',
  "i'm",
  'im',
  'i',
  'am',
  'uh',
  'um',
  'well',
  'hi',
  'hello',
  'so',
  ',',
  '.',
  'absolutely',
  'right',
  'oh',
  'the',
  'first',
  'full',
]);
/** Index of the first token from `i` that is not a filler. */
export function skipFillers(u: Utterance, i: number, fillers: Set<string>): number {
  while (i < u.lower.length && fillers.has(u.lower[i])) i++;
  return i;
}
