/**
 * Answers from the knowledge base: the caller's question (with a few everyday synonyms added) goes
 * to `services.searchKnowledge`; the hits are re-ranked by how many of the question's content
 * words they contain, and one is spoken only if it shares a specific one, so an unrelated article
 * is never read out for a question the knowledge base cannot answer.
 */
import type { BrainServices, KnowledgeHit } from '../types.ts';
import { contentStems, STOPWORDS } from '../speech/text.ts';

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
  [/\b(?:where are you|located|location|based|headquarters|(?:your|the) office|address)\b/, 'location headquarters'],
  // "How does that work?" about the product: what the business does, not an article that says "work".
  [/\bhow (?:does|do|would|will) (?:it|that|this|the (?:agent|service|assistant)|your (?:thing|service|agent|assistant)|you guys) (?:actually |exactly )?work\b/, 'what do you do services products about'],
  [
    /\b(?:connect|connects|integrate|integrates|integration|integrations|work with|works with|crm|plug into)\b/,
    'integrations',
  ],
  [/\b(?:spanish|english|language|languages|bilingual|espanol|español)\b/, 'languages'],
  [/\b(?:data|privacy|private|secure|security|encrypted|store|stored|delete|deleted|gdpr)\b/, 'data privacy'],
  [
    /\b(?:email address|contact|reach you|reach your|(?<!\b(?:do|build|make|design|create|sell|offer|host)\s(?:\w+\s)?)(?:websites?|web sites?|site))\b/,
    'contact email website',
  ],
  [
    /\bwhat (?:else )?(?:do|does|can) (?:you|your (?:company|business|team|firm))(?: \w+){0,2} (?:do|offer|sell)\b|\bwhat(?:'s| is) your (?:company|business)\b|\bwhat you (?:guys |folks )?do\b|\babout (?:you|your company)\b|\bwhat (?:kind of|sort of) (?:company|business)\b|\bwhat(?: exactly)?(?:'s| is| are)(?: exactly)? (?:a |an |the |your |these |those )?(?:voice agents?|ai agents?|ai receptionists?|products?|services?)\b/,
    'about company services',
  ],
  [/\b(?:minutes|overage|extra minutes|per minute)\b/, 'minutes'],
  [/\b(?:include|includes|included|come with|comes with|get with|what do (?:i|we|you) get|get for (?:that|it|the money|my money))\b/, 'includes'],
];

const ASKS =
  /^(?:how|what|what's|whats|when|where|where's|who|who's|why|which|do|does|did|is|are|can|could|would|will|should|tell me|i was wondering|i want to know)\b/i;

/** Words that open a clause without changing what it asks ("so what happens if ..."). */
const LEAD_IN = /^(?:(?:so|and|but|anyway|anyways|well|ok|okay|now|then|like|basically|honestly|actually|um|uh)\b[\s,]*)+/i;
const REALLY_ASKING = /\b(?:what i (?:really |actually )?(?:want|wanted|need) to know is|my (?:real |actual )?question is|i was wondering)\b/i;

/** The question part of "hi there, I saw your ad, what exactly is the voice agent". */
export function focusQuestion(text: string): string {
  const said = REALLY_ASKING.exec(text);
  if (said) return text.slice(said.index + said[0].length).trim() || text;
  const clauses = text.split(/(?<=[,.;!?])\s+/).map((c) => c.trim().replace(LEAD_IN, ''));
  const i = clauses.findIndex((c) => ASKS.test(c));
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
  // What the product does to every call ("what if it can't answer?" is not about an answering service's price).
  'answer',
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
  'up',
  'out',
  'off',
  'down',
]);

/**
 * Whether the article answers what was asked. The question's own specific words the article lacks
 * must not outnumber twice those it has (a word in its title or tags counts double; an everyday
 * phrasing it answers, "how much" for a price, counts once), at least one of its own words must be
 * answered, and a match only in an article's body is enough only when nothing else was asked. "Do you work with restaurants?" is not answered by
 * the integrations article just because "work with" is a way of asking about integrations.
 */
function relevant(question: string, matched: Set<string>, strong: Set<string>): boolean {
  const own = new Set(contentStems(question).filter((s) => !GENERIC.has(s)));
  const lower = question.toLowerCase();
  const covered = new Set<string>();
  let phrasings = 0;
  for (const [re, words] of SYNONYMS) {
    if (!re.test(lower) || !contentStems(words).some((w) => matched.has(w))) continue;
    if (contentStems(words).some((w) => strong.has(w))) phrasings++;
    for (const m of lower.matchAll(new RegExp(re.source, 'g'))) {
      contentStems(m[0]).forEach((s) => covered.add(s));
    }
  }
  if (!own.size) return true;
  let hit = 0;
  let missing = 0;
  let firm = phrasings > 0;
  for (const s of own) {
    if (strong.has(s)) hit += 2;
    else if (matched.has(s) || covered.has(s)) hit++;
    else missing++;
    if (strong.has(s) || covered.has(s)) firm = true;
  }
  // At least one of the question's own words must be answered, not only its phrasing.
  return hit > 0 && (firm || missing === 0) && missing <= 2 * (hit + phrasings);
}

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
    .filter((r) => relevant(question, r.matched, r.strong))
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

/** "Do you work with restaurants?", "what industries do you serve?": who and what the business serves. */
export const SERVICE_QUESTION =
  /\b(?:do|can|could|would|will) (?:you|y'all|your (?:company|team|agents?|product|service))(?: guys| folks| all)?(?: also| ever| even)? (?:work with|serve|do|build|make|design|offer|sell|provide|handle|cater to|deal with|help|take on|work for)\b(?! (?:me|us|my|our|you|it|this|that|them)\b)|\bwhat (?:kinds?|types?|sorts?) of (?:businesses|companies|clients|customers|industries|work)\b|\b(?:which|what) (?:industries|businesses|sectors|markets)\b|\bwho (?:do you|are your) (?:serve|work with|customers|clients)\b/;

const OBJECT_SKIP = new Set([
  'a',
  'an',
  'the',
  'any',
  'some',
  'lots',
  'lot',
  'of',
  'like',
  'other',
  'small',
  'also',
]);

/** The thing asked about in a service question ("restaurants", "dental offices"), or null. */
export function serviceObject(text: string): string | null {
  const m = SERVICE_QUESTION.exec(text.toLowerCase());
  if (!m || m[0].startsWith('what') || m[0].startsWith('which') || m[0].startsWith('who')) return null;
  const rest = text.toLowerCase().slice(m.index + m[0].length).match(/[a-z']+|[,.?!]/g) ?? [];
  let i = 0;
  while (i < rest.length && OBJECT_SKIP.has(rest[i])) i++;
  const out: string[] = [];
  for (; i < rest.length && out.length < 3; i++) {
    if (/^[,.?!]$/.test(rest[i]) || (STOPWORDS.has(rest[i]) && rest[i] !== 'and')) break;
    out.push(rest[i]);
  }
  while (out.length && out[out.length - 1] === 'and') out.pop();
  return out.length ? out.join(' ') : null;
}

/** Whether an article mentions any of these words (title, tags or body). */
export function mentions(hit: KnowledgeHit, words: string): boolean {
  const want = contentStems(words);
  const have = new Set([...contentStems(hit.title), ...hit.tags.flatMap((t) => contentStems(t)), ...contentStems(hit.body)]);
  return want.some((s) => have.has(s));
}

/** "Anything else besides that?", "what other options do you have?" */
export const OTHER_OFFERS =
  /\b(?:anything else (?:besides|other than|apart from)|(?:do you|you guys) (?:have|offer|sell|do) anything else|other (?:offers|offerings|options|plans|products|services|packages)|besides (?:that|the starter|this)|what else (?:do|can) you (?:offer|have|sell|do))\b/;

/** What else the business offers, beside the articles already spoken in this call. */
export async function otherOffers(services: BrainServices, said: string[]): Promise<KnowledgeHit[]> {
  const hits = await services.searchKnowledge('automation audit custom integration pilot trial', 5);
  return hits.filter((h) => !said.some((s) => s.includes(h.body))).slice(0, 2);
}

/** "Does it work with Pipedrive?", "do you integrate with Pipedrive?": the tool asked about. */
const INTEGRATION_ASK =
  /\b(?:integrat\w* (?:with|into)|(?:does|do|can|will|would) (?:it|the agent|your agent|the system|your system|the ai|your ai|this|that|the voice agent) (?:work|connect|sync|plug|talk|hook)(?: in| up)? (?:with|to|into)|compatible with)\s+([a-z][\w.-]*(?: [a-z][\w.-]*)?)/i;

export function integrationAsked(text: string): string | null {
  const m = INTEGRATION_ASK.exec(text);
  return m ? m[1].replace(/\s+(?:or|and|too|please|at)$/, '').trim() : null;
}

/** The article that lists the integrations. */
export async function integrationsArticle(services: BrainServices): Promise<KnowledgeHit | null> {
  return await best(services, 'what integrations do you support', 1);
}

/** The article that says what the business does (for questions it cannot answer more precisely). */
export async function aboutArticle(services: BrainServices): Promise<KnowledgeHit | null> {
  return await best(services, 'what does your company do', 1);
}
