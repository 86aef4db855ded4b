/**
 * A lead's need: what the caller wants, taken from the words that say it ("we need something to
 * answer the phones after hours" → "something to answer the phones after hours"), never their
 * introduction ("my name is Jamie from Bright Smile Dental") or filler ("sounds good", "I'd like to
 * get started" alone says nothing about what they want).
 */
import type { HistoryEntry } from '../types.ts';
import { aboutThem, askedTopics } from './asked.ts';

const FILLER_START =
  /^(?:(?:hi|hello|hey|yeah|yes|yep|so|well|um|uh|okay|ok|alright|all right|right|sure|great|perfect|cool|awesome|fine|thanks|thank you|sounds (?:good|great|fine|perfect)|that sounds (?:good|great)|mostly|mainly|basically|probably|honestly|just|oh)\b[\s,.!-]*)+/i;

/** Sentences that introduce the caller rather than say what they want. */
const INTRO =
  /^(?:my name(?:'s| is)|name(?:'s| is)|this is|it's|i'm|i am|we're|we are|i work (?:at|for|with)|i'm with|i'm from|i'm calling from|calling from)\b(?!.*\b(?:need|want|looking for|interested in|like|hoping)\b)/i;

/** "I'm looking for …", "we need …", "interested in …": the words after the cue say what they want. */
const CUE = new RegExp(
  String
    .raw`(?:^|\b(?:i|we)(?='d\b)|\b(?:i|we|i'm|we're|i am|we are|i'd|we'd|i would|we would|they|and|really|just|also|still|mostly|mainly)\s+)` +
    String.raw`(?:(?:am|are|really|just|also|still|mostly|mainly)\s+)*` +
    String
      .raw`(?:looking for|interested in|hoping (?:for|to)|need|needs|want|wants|wanted|would (?:like|love)|'d (?:like|love)|could use)\s+(.+)$`,
  'i',
);

/** Leads-in that carry no need of their own ("to get started with …", "help with …", "a quote for …"). */
const LEAD_IN =
  /^(?:(?:to\s+)?(?:get started(?: with| on)?|sign up(?: for)?|go ahead(?: with)?|move forward(?: with)?|buy|purchase|order|try(?: out)?|get|have|use|learn (?:more )?about|know (?:more )?about|hear (?:more )?about|talk about)\s+|(?:some\s+)?(?:help|info|information|details)\s+(?:with|on|about|for)\s+|help\s+(?:me|us)\s+(?:to\s+)?|help\s+(?=[a-z]+ing\b)|(?:more\s+)?information\s+(?:on|about)\s+)/i;

/** Objects that say nothing about what they want. */
const EMPTY =
  /^(?:(?:to\s+)?(?:get started|sign up|start|go ahead|proceed|move forward|do (?:it|that|this)|buy (?:it|one|that)|get (?:it|one|that|going)|talk|speak|know|ask)|it|one|that|this|them|something|anything|more|the same|not sure(?: yet)?|no idea|let's (?:do it|do this|go|get started)|i don't know|dunno|nothing)$/i;

const GERUND_EXCEPT: Record<string, string> = {
  get: 'getting',
  set: 'setting',
  run: 'running',
  stop: 'stopping',
};

/** "automate bookings" → "automating bookings": a bare verb leading the need reads as an activity. */
function gerund(phrase: string): string {
  const m = /^to\s+([a-z]+)\b(.*)$/i.exec(phrase);
  if (!m) return phrase;
  const v = m[1].toLowerCase();
  const ing = GERUND_EXCEPT[v] ?? (/[^e]e$/.test(v) ? `${v.slice(0, -1)}ing` : `${v}ing`);
  return `${ing}${m[2]}`;
}

function tidy(phrase: string): string {
  let s = phrase.replace(/\s+/g, ' ').trim()
    .replace(/[\s,;:.!?-]+$/, '')
    .replace(/,?\s+(?:please|thanks|thank you|if possible|i guess|i think)$/i, '');
  for (let i = 0; i < 3 && !EMPTY.test(s); i++) s = s.replace(LEAD_IN, '').trim();
  if (EMPTY.test(s)) return '';
  s = aboutThem(gerund(s));
  // Lower-case a sentence-initial capital, not an acronym or a name-like pair ("AI", "Voice Agent").
  if (/^[A-Z][a-z]/.test(s) && !/^[A-Z][a-z]+ [A-Z]/.test(s)) s = s.charAt(0).toLowerCase() + s.slice(1);
  return s.slice(0, 200);
}

function sentencesOf(raw: string): string[] {
  return raw.replace(/[’]/g, "'").split(/(?<=[.!?;])\s+|\s+-\s+/).map((s) =>
    s.replace(FILLER_START, '').trim()
  )
    .filter((s) => s && !INTRO.test(s));
}

/**
 * What the caller wants, from their words; null when the words only introduce them or agree.
 * With `answer` (they were just asked what they need), a plain reply without a cue is taken whole
 * ("mostly booking appointments" → "booking appointments").
 */
export function extractNeed(raw: string, opts: { answer?: boolean } = {}): string | null {
  const sentences = sentencesOf(raw);
  const plain: string[] = [];
  for (const s of sentences) {
    const m = CUE.exec(s);
    if (!m) {
      if (!s.includes('?')) plain.push(s);
      continue;
    }
    // Cut a name introduction run on after the need ("… and my name is Jamie").
    const object =
      m[1].split(/,?\s+(?:and |so |but )?(?:my name|this is|i'm calling from|i'm with|i'm from)\b/i)[0];
    const need = tidy(object);
    if (need && /[a-z]{3}/i.test(need)) return need;
  }
  if (!opts.answer) return null;
  const rest = tidy(plain.join(' '));
  if (!rest || (rest.split(' ').length < 2 && rest.length < 4)) return null;
  return rest;
}

/** The need inferred from the caller's questions so far in the call (the latest one first). */
export function needFromQuestions(history: HistoryEntry[]): string | null {
  const asked = history.filter((h) => h.role === 'caller' && h.content.trim()).map((h) => h.content);
  return askedTopics(asked.reverse(), 1)[0] ?? null;
}
