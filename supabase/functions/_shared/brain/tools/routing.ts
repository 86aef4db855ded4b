/**
 * Who takes a topic: topics are recognised with the keyword lists of
 * `config.escalation_rules.topics` (built-in defaults for any topic the config does not list) and
 * with the team members' own topic words; the member whose topics match takes the call, else
 * `config.default_transfer_user_id`. Matching is on word stems, so "integrations" matches
 * "integration" and "cancellation" matches "cancel".
 */
import type { AgentConfig, TeamMember } from '../types.ts';
import { allStems } from '../speech/text.ts';

/** Keyword lists used for topics the config does not define. */
export const DEFAULT_TOPICS: Readonly<Record<string, readonly string[]>> = {
  billing: [
    'billing',
    'bill',
    'billed',
    'invoice',
    'charged',
    'overcharged',
    'double charged',
    'refund',
    'payment',
    'receipt',
    'credit card',
    'statement',
  ],
  cancellation: [
    'cancel',
    'cancellation',
    'terminate',
    'termination',
    'close my account',
    'end my contract',
    'stop my service',
    'unsubscribe',
  ],
  complaint: [
    'complaint',
    'complain',
    'unhappy',
    'disappointed',
    'frustrated',
    'angry',
    'upset',
    'ridiculous',
    'unacceptable',
    'terrible',
    'awful',
    'horrible',
    'worst',
    'furious',
    'scam',
    'rip off',
    'ripped off',
    'fed up',
    'not happy',
    'poor service',
    'nobody called',
    'no one called',
    'never called',
    'nobody has called',
    'no one has called',
    'nobody got back',
    'never heard back',
    'useless',
    'incompetent',
    'disgusted',
  ],
  technical: [
    'technical',
    'tech support',
    'integration',
    'integrate',
    'api',
    'setup',
    'setting up',
    'set it up',
    'get set up',
    'install',
    'installation',
    'configure',
    'configuration',
    'bug',
    'error',
    'broken',
    'not working',
    'stopped working',
    'outage',
    'crm',
    'webhook',
    'troubleshoot',
    'glitch',
    'engineer',
    'hubspot',
    'salesforce',
    'zapier',
    'calendly',
  ],
  sales: [
    'sales',
    'pricing',
    'price',
    'quote',
    'buy',
    'purchase',
    'partnership',
    'partner',
    'demo',
    'new business',
    'sign up',
    'discount',
    'proposal',
    'negotiate',
    'reseller',
  ],
  legal: [
    'legal',
    'lawyer',
    'attorney',
    'lawsuit',
    'sue',
    'subpoena',
    'litigation',
    'cease and desist',
    'legal department',
  ],
  emergency: ['emergency', 'urgent', 'urgently', 'outage', 'system is down', 'is down', 'went down'],
  existing_customer: [
    'existing customer',
    'current customer',
    'already a customer',
    'my account',
    'our account',
    'my subscription',
    'our subscription',
  ],
};

/** Topics that always go to a person (billing disputes, cancellations, legal, emergencies). */
export const DEFAULT_ALWAYS_HUMAN: readonly string[] = ['billing', 'cancellation', 'legal', 'emergency'];

function rules(config: AgentConfig): Record<string, unknown> {
  return (config.escalation_rules ?? {}) as Record<string, unknown>;
}

/** The topic keyword lists in force: the config's, with the defaults for topics it leaves out. */
export function topicLexicon(config: AgentConfig): Record<string, readonly string[]> {
  const own = rules(config).topics;
  const out: Record<string, readonly string[]> = { ...DEFAULT_TOPICS };
  if (own && typeof own === 'object') {
    for (const [k, v] of Object.entries(own as Record<string, unknown>)) {
      if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
    }
  }
  return out;
}

/** Department names callers use for a topic, whatever keywords the config lists for it. */
export const DEPARTMENTS: Readonly<Record<string, readonly string[]>> = {
  billing: [
    'accounting',
    'accounts department',
    'accounts payable',
    'accounts receivable',
    'finance department',
  ],
  technical: ['tech team', 'it department', 'engineering', 'support engineer'],
  sales: ['sales department', 'sales rep', 'salesperson'],
};

/** Topics that must reach a person: `escalation_rules.always_human`, or the defaults. */
export function alwaysHumanTopics(config: AgentConfig): string[] {
  const v = rules(config).always_human;
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [...DEFAULT_ALWAYS_HUMAN];
}

const phraseCache = new Map<string, string[]>();
function phraseStems(phrase: string): string[] {
  let s = phraseCache.get(phrase);
  if (!s) {
    s = allStems(phrase.replaceAll('_', ' '));
    if (phraseCache.size < 5000) phraseCache.set(phrase, s);
  }
  return s;
}

/** Position of the first occurrence of `phrase` (as stems) in `stems`, or -1. */
function findPhrase(stems: string[], phrase: string): number {
  const p = phraseStems(phrase);
  if (!p.length) return -1;
  outer: for (let i = 0; i + p.length <= stems.length; i++) {
    for (let j = 0; j < p.length; j++) if (stems[i + j] !== p[j]) continue outer;
    return i;
  }
  return -1;
}

/** Whether two topic words name the same thing ("integrations" ~ "integration", "tech" ~ "technical"). */
export function topicMatches(a: string, b: string): boolean {
  const x = phraseStems(a).join(' ');
  const y = phraseStems(b).join(' ');
  if (!x || !y) return false;
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 4 && long.startsWith(short);
}

/**
 * Topics named in `text`, in order of first mention: keys of the topic lexicon, and team members'
 * own topic words for anything the lexicon does not cover.
 */
export function detectTopics(text: string, config: AgentConfig, team: TeamMember[] = []): string[] {
  const stems = allStems(text);
  const found: [number, string][] = [];
  for (const [topic, words] of Object.entries(topicLexicon(config))) {
    const positions = [topic, ...words, ...(DEPARTMENTS[topic] ?? [])].map((w) => findPhrase(stems, w))
      .filter((p) => p >= 0);
    if (positions.length) found.push([Math.min(...positions), topic]);
  }
  const lexicon = topicLexicon(config);
  const covered = (t: string) =>
    found.some(([, k]) => topicMatches(k, t) || (lexicon[k] ?? []).some((w) => topicMatches(w, t)));
  for (const m of team) {
    for (const t of m.topics) {
      const p = findPhrase(stems, t);
      if (p >= 0 && !covered(t)) found.push([p, t]);
    }
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, t]) => t);
}

function takes(member: TeamMember, topic: string, lexicon: Record<string, readonly string[]>): boolean {
  return member.topics.some((t) =>
    topicMatches(t, topic) || (lexicon[topic] ?? []).some((k) => topicMatches(t, k))
  );
}

/** The default person: `default_transfer_user_id` if active, else the first active admin, else anyone active. */
export function defaultMember(config: AgentConfig, team: TeamMember[]): TeamMember | null {
  const active = team.filter((m) => m.active);
  return active.find((m) => m.user_id === config.default_transfer_user_id) ??
    active.find((m) => m.role === 'admin') ?? active[0] ?? null;
}

/** The active team member for these topics (first topic someone takes wins), else the default. */
export function memberForTopics(
  topics: string[],
  config: AgentConfig,
  team: TeamMember[],
): TeamMember | null {
  const lexicon = topicLexicon(config);
  const active = team.filter((m) => m.active);
  for (const topic of topics) {
    const m = active.find((member) => takes(member, topic, lexicon));
    if (m) return m;
  }
  return defaultMember(config, team);
}

/** An active team member named in `text` ("can I speak to Jordan?"), by first or full name. */
export function memberNamed(text: string, team: TeamMember[]): TeamMember | null {
  const t = ` ${text.toLowerCase().replace(/[^a-z' ]+/g, ' ')} `;
  for (const m of team.filter((x) => x.active)) {
    const full = m.name.toLowerCase();
    const first = full.split(/\s+/)[0];
    if (t.includes(` ${full} `) || (first.length > 2 && t.includes(` ${first} `))) return m;
  }
  return null;
}

/** First name of a team member, for speech. */
export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] ?? name;
}
