/**
 * Callers correct themselves inside one sentence: "Thursday at 3, actually make that Friday
 * morning", "my name is Jon, I mean John", "el jueves, no, mejor el viernes". What follows the
 * last correction marker replaces what came before it; the parsers ask for the split and decide
 * whether the part after the marker says anything of their kind (often it does not: "tomorrow at 2,
 * I mean, if that works").
 *
 * Spanish markers are listed in their own words: the English gloss leaves them untouched.
 */

/** Markers after which the caller states the value again. */
const MARKER_WORDS = [
  'no,? wait',
  'wait,? no',
  'actually',
  // "I can't make it Thursday" turns a day down; it does not restate one.
  "(?<!(?:n't|not|cannot) )make (?:that|it)",
  'change (?:that|it) to',
  '(?:or )?rather(?! than| not)',
  'scratch that',
  '(?:or )?(?:how|what) about',
  'i mean',
  'on second thoughts?',
  'no,? mejor',
  'mejor dicho',
  'mejor',
  'digo',
  'en realidad',
];
const EDGE_BEFORE = "(?<![\\p{L}\\p{N}'])";
const EDGE_AFTER = "(?![\\p{L}\\p{N}'])";
const MARKER = new RegExp(`${EDGE_BEFORE}(?:${MARKER_WORDS.join('|')})${EDGE_AFTER}`, 'giu');
/** "Friday instead": the value comes before the marker, from the start of its clause. */
const INSTEAD = new RegExp(`${EDGE_BEFORE}instead${EDGE_AFTER}(?! of)`, 'giu');
/** Where a clause starts: after punctuation or a prefix marker. */
const CLAUSE_END = /[,.;!?¿¡]/g;

export interface CorrectionSplit {
  /** What was said before the correction (it may hold earlier corrections of its own). */
  before: string;
  /** What the caller said instead. */
  after: string;
}

/** The places the caller corrected themselves in `text`, the last one first. */
export function correctionSplits(text: string): CorrectionSplit[] {
  const s = text.replace(/[’]/g, "'");
  const splits: { at: number; before: string; after: string }[] = [];
  const markerEnds: number[] = [];
  for (const m of s.matchAll(MARKER)) {
    const end = m.index! + m[0].length;
    markerEnds.push(end);
    splits.push({ at: m.index!, before: s.slice(0, m.index!), after: s.slice(end) });
  }
  for (const m of s.matchAll(INSTEAD)) {
    const start = clauseStart(s, m.index!, markerEnds);
    splits.push({
      at: m.index!,
      before: s.slice(0, start),
      after: s.slice(start, m.index!) + s.slice(m.index! + m[0].length),
    });
  }
  return splits
    .filter((x) => /[\p{L}\p{N}]/u.test(x.after))
    .sort((a, b) => b.at - a.at)
    .map(({ before, after }) => ({
      before: before.trim(),
      after: after.replace(/^[\s,.;:!?]+/, '').replace(/\s+([,.;:!?])/g, '$1').trim(),
    }));
}

function clauseStart(s: string, at: number, markerEnds: number[]): number {
  let start = 0;
  for (const m of s.slice(0, at).matchAll(CLAUSE_END)) start = m.index! + 1;
  for (const end of markerEnds) if (end <= at && end > start) start = end;
  return start;
}

/**
 * The text without the values the caller turned down: "Friday rather than Thursday", "Monday
 * instead of Tuesday", "not Thursday, Friday", "el viernes en vez del jueves". A "not" counts only
 * before a day ("not before 10" is a constraint, not a rejection), and so does "can't do".
 */
export function withoutRejected(text: string): string {
  return text
    .replace(
      /\b(?:instead of|rather than|en vez del?|en lugar del?)\b[^,.;!?]*?(?=[,.;!?]| but | and | y | pero |$)/giu,
      ' ',
    )
    .replace(
      /\b(?:not|(?:can't|cannot|can not) (?:do|make it)) (?:on )?(?:this |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|tonight)\b(?: (?:morning|afternoon|evening|at \S+(?: ?[ap]\.?m\.?)?))?/giu,
      ' ',
    )
    .replace(/\s+/g, ' ')
    .trim();
}
