/**
 * Callers' companies from what they said: "calling from Summit Fitness", "I'm with Lopez Law",
 * "I'm at Ortega Roofing", "Luis Ortega, Ortega Roofing" (an answer to the name question), "the
 * practice is called Orchard Dental", or a bare answer to "what's the name of your company?".
 */
import { looksLikeQuestion, titleWord, type Utterance } from './text.ts';
import { NAME_FILLERS, nameToken, restated, skipFillers } from './names.ts';

const COMPANY_FILLERS = new Set([
  ...NAME_FILLERS,
  'company',
  "company's",
  'business',
  'we',
  "we're",
  'are',
  'called',
  'our',
  'named',
  'practice',
  'firm',
  'clinic',
  'shop',
  'store',
  'agency',
  'restaurant',
  'office',
  'organization',
  'studio',
  'salon',
  'gym',
  "it's",
  'that',
  "that's",
  'work',
  'for',
  'at',
  'with',
  'from',
  'calling',
]);

/** Words that make a phrase a business's name ("Whitaker Family Dental", "Reyes Landscaping"). */
const TRADE_WORDS = new Set(('dental dentistry law legal plumbing roofing landscaping bakery bakes cafe coffee fitness ' +
  'construction electric electrical realty insurance consulting group llc inc co corp services solutions studio ' +
  'salon clinic vet veterinary auto motors design media labs partners associates logistics cleaning hvac heating ' +
  'cooling painting flooring pools pets spa foods kitchen catering accounting bookkeeping marketing agency ' +
  'therapy chiropractic pharmacy optometry orthodontics pediatrics medical health care homes properties').split(' '));
/** Titles before a name, not part of it. */
const TITLES = new Set(['dr', 'mr', 'mrs', 'ms', 'miss', 'doctor']);

const COMPANY_NOUNS =
  'company|business|practice|firm|clinic|shop|store|agency|restaurant|office|organization|' +
  'organisation|studio|salon|gym|team|brand|startup|company name|business name';
const STRONG_COMPANY = new RegExp(
  `\\b(?:calling from|calling in from|reaching out from|i'm with|im with|i am with|i work at|i work for|` +
    `here from|i own|i run|i manage|owner of|(?:${COMPANY_NOUNS})(?:'s)? (?:is called|is named|name is)|` +
    `(?:it's|it is|we're|we are|is) called|(?:it's|it is|is) named)\\b`,
  'g',
);
/** "my company is X": X must look like a name (capitalised by speech recognition, or unknown to the lexicon). */
const WEAK_COMPANY = new RegExp(`\\b(?:${COMPANY_NOUNS})(?:'s)? is\\b`, 'g');
const NOT_COMPANY_START = new Set([
  'a',
  'an',
  'my',
  'our',
  'his',
  'her',
  'their',
  'this',
  'that',
  'some',
  'home',
  'work',
  'outside',
  'abroad',
  'downtown',
  'here',
  'there',
  'me',
  'you',
  'it',
  'back',
  'about',
  'to',
  'the',
  'in',
  'not',
  'no',
  'just',
  'really',
  'pretty',
  'very',
  'sure',
  'interested',
  'looking',
  'calling',
  'wondering',
]);
const COMPANY_END = new Set([
  ',',
  '.',
  '?',
  '!',
  ';',
  'and',
  'but',
  'so',
  'i',
  "i'm",
  'im',
  'we',
  "we're",
  'today',
  'now',
  'please',
  'again',
  'here',
  'about',
  'regarding',
  'because',
  'who',
  'which',
  'that',
  'in',
  'on',
  'to',
  'with',
  'for',
  'calling',
  'if',
  'can',
  'could',
  'would',
  'is',
  'are',
  'was',
  'my',
  'thanks',
  'thank',
  // The same boundaries in a Spanish caller's words, which the gloss leaves as they were said.
  'y',
  'que',
  'para',
  'porque',
  'pero',
  'por',
  'con',
  'en',
  'me',
  'le',
  'les',
  'es',
  'somos',
  'quiero',
  'quisiera',
  'queremos',
  'necesito',
  'necesitamos',
  'tengo',
  'tenemos',
  'estoy',
  'estamos',
  'busco',
  'buscamos',
]);
const SMALL_WORDS = new Set(['of', 'and', 'the', 'for', 'at', 'de', 'la', 'y', 'by', '&']);

/** Company tokens from `i`: up to six, stopping at a clause boundary. */
function companyAt(u: Utterance, i: number): string | null {
  if (u.lower[i] === 'the' && i + 1 < u.lower.length && !NOT_COMPANY_START.has(u.lower[i + 1])) i++;
  if (i >= u.lower.length || NOT_COMPANY_START.has(u.lower[i])) return null;
  const out: string[] = [];
  for (let j = i; j < u.tokens.length && out.length < 6; j++) {
    const w = u.lower[j];
    if (
      COMPANY_END.has(w) && !((w === 'and' || w === 'y') && out.length && /^\p{Lu}/u.test(u.tokens[j + 1] ?? '') &&
        u.lower[j + 1] !== 'i')
    ) break;
    if (!/^[\p{L}\p{N}&'.-]+$/u.test(w)) break;
    out.push(SMALL_WORDS.has(w) && out.length ? w : titleWord(u.tokens[j]));
  }
  while (out.length && SMALL_WORDS.has(out[out.length - 1].toLowerCase())) out.pop();
  return out.length ? out.join(' ') : null;
}

export interface CompanyOptions {
  /** The agent just asked for the company: a bare answer ("Orchard Dental") counts. */
  expect?: boolean;
  /** The agent just asked for the name: "Maria Lopez from Lopez Law" names the company too. */
  afterName?: boolean;
}

const LEAD_IN =
  "(?:(?:yes|yeah|sure|hi|hello|ok|okay|it's|its|this is|i'm|im|i am|my name is|my name's|name's|names|,) )*";
const AT_COMPANY = /\b(?:i'm|im|i am|we're|we are) (?:over )?at\b/g;
const AT_PLACES = new Set([
  'home',
  'work',
  'lunch',
  'dinner',
  'school',
  'church',
  'office',
  'gym',
  'airport',
]);
/** Words that show a phrase is a time, an email, a spelling or a sentence rather than a company. */
const NOT_IN_COMPANY = new Set([
  'today',
  'tomorrow',
  'tonight',
  'morning',
  'afternoon',
  'evening',
  'noon',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
  'next',
  'week',
  'am',
  'pm',
  "o'clock",
  'at',
  'dot',
  'com',
  'gmail',
  'spelled',
  'spelt',
  'spell',
  'like',
  'last',
  'first',
  'name',
  'number',
  'please',
  'thanks',
  'yes',
  'no',
  'okay',
  'ok',
  'fine',
  'sure',
  'um',
  'uh',
  'call',
  'me',
  'it',
]);

/** A company candidate, or null when it reads as a time, an email, a spelling or a sentence. */
function plausibleCompany(c: string | null): string | null {
  if (!c) return null;
  const words = c.toLowerCase().split(/\s+/);
  if (words.some((w) => NOT_IN_COMPANY.has(w) || /\d/.test(w))) return null;
  if (words.filter((w) => w.length === 1).length >= 2) return null;
  return c;
}

/** The caller's company in `u`, or null; one restated after "I mean" or "actually" wins. */
export function extractCompany(u: Utterance, opts: CompanyOptions = {}): string | null {
  return restated(u, opts, companyIn) ?? companyIn(u, opts);
}

function companyIn(u: Utterance, opts: CompanyOptions): string | null {
  const expectCompany = !!opts.expect;
  for (const m of u.text.matchAll(STRONG_COMPANY)) {
    const at = u.starts.indexOf(m.index! + m[0].length + 1);
    if (at < 0) continue;
    const company = companyAt(u, at);
    if (company) return company;
  }
  for (const m of u.text.matchAll(WEAK_COMPANY)) {
    const at = u.starts.indexOf(m.index! + m[0].length + 1);
    if (at >= 0 && at < u.tokens.length && nameToken(u.tokens[at], false)) {
      const company = companyAt(u, at);
      if (company) return company;
    }
  }
  // "I'm at Ortega Roofing", "we're at Harbor Vet": only a name-like word, not "I'm at home".
  for (const m of u.text.matchAll(AT_COMPANY)) {
    const at = u.starts.indexOf(m.index! + m[0].length + 1);
    if (at >= 0 && at < u.tokens.length && !AT_PLACES.has(u.lower[at]) && nameToken(u.tokens[at], false)) {
      const company = plausibleCompany(companyAt(u, at));
      if (company) return company;
    }
  }
  // "I'm Tom Becker from Becker Plumbing", "it's Dana with Orchard Dental"
  // Names may carry accents ("Lucía Gómez, from ..." in a Spanish caller's gloss).
  const intro =
    /\b(?:i'm|im|i am|this is|it's|its|name is|name's|names)(?: [\p{L}'-]+| \.){1,4}?(?: ,)? (?:from|with) /u
      .exec(u.text) ??
      (opts.afterName
        ? new RegExp(`^${LEAD_IN}(?:[\\p{L}'-]+ ){1,3}(?:, )?(?:from|with|of|at) `, 'u').exec(u.text)
        : null);
  if (intro) {
    const company = plausibleCompany(companyAt(u, u.starts.indexOf(intro.index + intro[0].length)));
    if (company) return company;
  }
  // An answer to "may I have your name?": "Luis Ortega, Ortega Roofing".
  const comma = opts.afterName
    ? new RegExp(`^${LEAD_IN}(?:[\\p{L}'-]+ ){1,3}, (?:(?:from|with|at|of|and|i'm with|i work at) )?`, 'u').exec(
      u.text,
    )
    : null;
  if (comma && !looksLikeQuestion(u)) {
    const company = plausibleCompany(companyAt(u, u.starts.indexOf(comma.index + comma[0].length)));
    if (company) return company;
  }
  // Unprompted, "my name is Priya Raman, Raman Bakes": taken when what follows the comma carries the
  // caller's surname or a trade word, and is not the name said again ("I'm Alan, Alan Whitaker").
  const named = /\b(?:i'm|im|i am|this is|it's|its|name is|name's)((?: (?:[\p{L}'-]+|\.)){1,5}?) , /u.exec(u.text);
  if (named && !looksLikeQuestion(u)) {
    const company = plausibleCompany(companyAt(u, u.starts.indexOf(named.index + named[0].length)));
    const nameWords = named[1].toLowerCase().split(' ').filter((w) => /\p{L}{2,}/u.test(w) && !TITLES.has(w));
    const words = company?.toLowerCase().split(' ') ?? [];
    const surname = nameWords.length >= 2 ? nameWords.at(-1)! : null;
    const newWords = words.filter((w) => !nameWords.includes(w));
    if (company && newWords.length > 0 && ((surname && words.includes(surname)) || words.some((w) => TRADE_WORDS.has(w)))) {
      return company;
    }
  }
  if (!expectCompany || looksLikeQuestion(u)) return null;
  // "ok bye", "thanks, that's all": leaving, not naming a company.
  if (/^(?:(?:ok|okay|alright|well|yeah|no|nope|thanks|thank you|cheers)[ ,.!]*)*(?:bye|goodbye|bye bye|see you|that's all|that is all|nothing else)\b/
    .test(u.text)) return null;
  if (
    /\b(?:don't have|do not have|no company|not a company|just me|myself|self.employed|freelance|individual|rather not|prefer not|don't want to|not telling|skip)\b/
      .test(u.text)
  ) return null;
  const start = skipFillers(u, 0, COMPANY_FILLERS);
  return start < u.tokens.length ? companyAt(u, start) : null;
}

/** "I run a dental practice" → "practice": the caller's word for their business, to ask its name. */
export function businessNoun(u: Utterance): string | null {
  const m = new RegExp(
    `\\b(?:run|own|have|manage|work at|work for|with) (?:a|an|my|our) (?:[a-z]+ )?(${COMPANY_NOUNS})\\b`,
  )
    .exec(u.text);
  return m ? m[1] : null;
}
