/**
 * Answers from the knowledge base: the caller's question (with a few everyday synonyms added) goes
 * to `services.searchKnowledge`; the hits are re-ranked by how many of the question's content
 * words they contain, and one is spoken only if it shares a specific one, so an unrelated article
 * is never read out for a question the knowledge base cannot answer.
 */
import type { BrainServices, KnowledgeHit } from '../types.ts';
import { contentStems } from './text.ts';

/** Everyday phrasings → the words articles use. */
const SYNONYMS: [RegExp, string][] = [
  [
    /\b(?:how much|cost|costs|price|prices|pricing|charge|charges|pay|fee|fees|expensive|cheap|afford|rate|rates)\b/,
    'price cost',
  ],
  [/\b(?:trial|try it|try out|test it|test drive|free version)\b/, 'pilot trial'],
  [
    /\b(?:how long|how quickly|how fast|how soon|get set up|set up|setup|onboard|go live|up and running|launch)\b/,
    'onboarding live setup',
  ],
  [/\b(?:commit|commitment|lock|locked|contract|cancel|cancellation|notice)\b/, 'contract cancel'],
  [/\b(?:record|records|recorded|recording)\b/, 'recording consent'],
  [/\b(?:where are you|located|location|based|headquarters|office|address)\b/, 'location headquarters'],
  [
    /\b(?:connect|connects|integrate|integrates|integration|integrations|work with|works with|crm|plug into)\b/,
    'integrations',
  ],
  [/\b(?:spanish|english|language|languages|bilingual|espanol|español)\b/, 'languages'],
  [/\b(?:data|privacy|private|secure|security|encrypted|store|stored|delete|deleted|gdpr)\b/, 'data privacy'],
  [/\b(?:email address|contact|reach you|website|web site|site)\b/, 'contact email website'],
  [
    /\bwhat (?:else )?(?:do|does|can) (?:you|your (?:company|business|team|firm))(?: \w+){0,2} (?:do|offer|sell)\b|\bwhat(?:'s| is) your (?:company|business)\b|\bwhat you (?:guys |folks )?do\b|\babout (?:you|your company)\b|\bwhat (?:kind of|sort of) (?:company|business)\b|\bwhat(?: exactly)?(?:'s| is| are)(?: exactly)? (?:a |an |the |your |these |those )?(?:voice agents?|ai agents?|ai receptionists?|products?|services?)\b/,
    'about company services',
  ],
  [/\b(?:minutes|overage|extra minutes|per minute)\b/, 'minutes'],
  [/\b(?:include|includes|included|come with|comes with|get with)\b/, 'includes'],
];

const ASKS =
  /^(?:how|what|what's|whats|when|where|where's|who|who's|why|which|do|does|did|is|are|can|could|would|will|should|tell me|i was wondering|i want to know)\b/i;

/** The question part of "hi there, I saw your ad, what exactly is the voice agent". */
export function focusQuestion(text: string): string {
  const clauses = text.split(/(?<=[,.;!?])\s+/);
  const i = clauses.findIndex((c) => ASKS.test(c.trim()));
  return i > 0 ? clauses.slice(i).join(' ') : text;
}

/** The query sent to the knowledge base: the question plus synonyms. */
export function knowledgeQuery(text: string): string {
  const lower = text.toLowerCase();
  const extra = SYNONYMS.filter(([re]) => re.test(lower)).map(([, words]) => words);
  return [text, ...extra].join(' ');
}

function overlap(
  query: Set<string>,
  hit: KnowledgeHit,
): { score: number; matched: Set<string>; strong: Set<string> } {
  const title = new Set(contentStems(hit.title));
  const tags = new Set(hit.tags.flatMap((t) => contentStems(t)));
  const body = new Set(contentStems(hit.body));
  let score = 0;
  const matched = new Set<string>();
  const strong = new Set<string>();
  for (const q of query) {
    const w = (title.has(q) ? 3 : 0) + (tags.has(q) ? 2 : 0) + (body.has(q) ? 1 : 0);
    if (w) {
      score += w;
      matched.add(q);
    }
    if (w >= 2) strong.add(q);
  }
  return { score, matched, strong };
}

function titleCover(query: Set<string>, hit: KnowledgeHit): number {
  const title = contentStems(hit.title);
  return title.length ? title.filter((t) => query.has(t)).length / title.length : 0;
}

/**
 * Words every article of a business like this may contain. A question with any other content word
 * must match one of those; "does the voice agent sound like a real person?" must not be answered
 * with the price of the voice agent.
 */
const GENERIC = new Set([
  'voic',
  'agent',
  'ai',
  'legacyai',
  'busi',
  'compani',
  'servic',
  'product',
  'system',
  'call',
  'caller',
  'team',
  'person',
  'peopl',
  'human',
  'real',
  'thing',
  'work',
  'use',
  'help',
  'someth',
  'question',
]);

async function best(services: BrainServices, question: string, minScore: number) {
  const query = knowledgeQuery(question);
  const stems = new Set(contentStems(query));
  if (!stems.size) return null;
  const specific = new Set([...stems].filter((s) => !GENERIC.has(s)));
  const hits = await services.searchKnowledge(query, 5);
  // First the article matching most of the question's words ("setup fee": price over onboarding),
  // then the weighted score, then the article whose title the question covers best.
  const ranked = hits
    .map((hit, i) => {
      const o = overlap(stems, hit);
      return { hit, i, ...o, mine: o.matched.size, cover: titleCover(stems, hit) };
    })
    .filter((r) => r.score >= minScore && (!specific.size || [...r.matched].some((s) => specific.has(s))))
    .sort((a, b) => b.mine - a.mine || b.score - a.score || b.cover - a.cover || a.i - b.i);
  return ranked[0]?.hit ?? null;
}

/** "How much is it, and is there a trial?" → two questions. */
function questions(text: string): string[] {
  return text
    .split(
      /[?;]|\b(?:and|also|plus)\s+(?=(?:is|are|do|does|did|can|could|how|what|where|when|who|which|will)\b)/i,
    )
    .map((s) => s.trim())
    .filter((s) => contentStems(s).length > 0);
}

/**
 * The articles that answer `question`: one per question asked (at most two), each chosen by the
 * knowledge base and kept only if it scores `minScore` (a word in the body scores 1, in the tags
 * 2, in the title 3) and shares a specific word with the question.
 */
export async function answerFromKnowledge(
  services: BrainServices,
  question: string,
  minScore = 1,
): Promise<KnowledgeHit[]> {
  const parts = questions(focusQuestion(question));
  const asked = parts.length > 1 ? parts.slice(0, 2) : [focusQuestion(question)];
  const out: KnowledgeHit[] = [];
  for (const q of asked) {
    const hit = await best(services, q, minScore);
    if (hit && !out.some((h) => h.id === hit.id)) out.push(hit);
  }
  return out;
}

/** Text made for speech: no markdown, no URL schemes, no bullet characters. */
export function speakable(text: string): string {
  return text
    .replace(/https?:\/\/(?:www\.)?/g, '')
    .replace(/[*_#>`]+/g, '')
    .replace(/^\s*[-•]\s*/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}
