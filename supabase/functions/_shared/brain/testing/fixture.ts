/**
 * Test fixture mirroring the demo business (supabase/demo-business.md): agent config, team, and an
 * in-memory knowledge base with a naive token-overlap ranking (the real one is Postgres full-text).
 */
import type { AgentConfig, BrainServices, KnowledgeHit, TeamMember } from '../types.ts';
import { contentStems } from '../speech/text.ts';
import articles from './knowledge.json' with { type: 'json' };
import altArticles from './knowledge_alt.json' with { type: 'json' };

export const TEAM: TeamMember[] = [
  {
    user_id: 'user_alex_rivera',
    name: 'Alex Rivera',
    phone: '+15550100001',
    role: 'admin',
    topics: ['sales', 'pricing', 'partnerships'],
    active: true,
  },
  {
    user_id: 'user_jordan_lee',
    name: 'Jordan Lee',
    phone: '+15550100002',
    role: 'member',
    topics: ['technical', 'integrations', 'setup'],
    active: true,
  },
  {
    user_id: 'user_sam_patel',
    name: 'Sam Patel',
    phone: '+15550100003',
    role: 'member',
    topics: ['billing', 'cancellation', 'complaint', 'existing customer'],
    active: true,
  },
];

/** US federal holidays (observed dates), 2025 to 2027. */
export const HOLIDAYS = [
  '2025-01-01',
  '2025-01-20',
  '2025-02-17',
  '2025-05-26',
  '2025-06-19',
  '2025-07-04',
  '2025-09-01',
  '2025-10-13',
  '2025-11-11',
  '2025-11-27',
  '2025-12-25',
  '2026-01-01',
  '2026-01-19',
  '2026-02-16',
  '2026-05-25',
  '2026-06-19',
  '2026-07-03',
  '2026-09-07',
  '2026-10-12',
  '2026-11-11',
  '2026-11-26',
  '2026-12-25',
  '2027-01-01',
  '2027-01-18',
  '2027-02-15',
  '2027-05-31',
  '2027-06-18',
  '2027-07-05',
  '2027-09-06',
  '2027-10-11',
  '2027-11-11',
  '2027-11-25',
  '2027-12-24',
  '2027-12-31',
];

const WEEKDAY: [string, string][] = [['09:00', '18:00']];

export function fixtureConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    id: 'cfg_demo',
    business_name: 'LegacyAI',
    greeting: "Thanks for calling LegacyAI. How can I help you today?",
    returning_greeting:
      "Hi {name}, welcome back to LegacyAI. How can I help you today?",
    system_prompt: 'You are the phone assistant for LegacyAI. Be brief and truthful.',
    voice: 'Polly.Joanna-Neural',
    language: 'en-US',
    timezone: 'America/New_York',
    business_hours: { mon: WEEKDAY, tue: WEEKDAY, wed: WEEKDAY, thu: WEEKDAY, fri: WEEKDAY },
    holidays: HOLIDAYS,
    hours_override: null,
    providers: ['local'],
    provider_settings: {},
    turn_deadline_ms: 4000,
    max_silence_prompts: 2,
    // As in supabase/seed.sql.
    escalation_rules: {
      topics: {
        sales: [
          'buy',
          'purchase',
          'sign up',
          'get started',
          'sales team',
          'someone in sales',
          'quote',
          'discount',
          'negotiate',
          'partnership',
          'partner',
          'reseller',
          'demo',
        ],
        technical: [
          'technical',
          'integration',
          'integrate',
          'api',
          'webhook',
          'not working',
          'broken',
          'bug',
          'error',
          'set up',
          'setting up',
          'setup',
          'install',
          'configure',
          'crm sync',
        ],
        billing: [
          'billing',
          'charged',
          'overcharged',
          'double charged',
          'invoice',
          'refund',
          'receipt',
          'payment',
          'credit card',
          'my bill',
        ],
        cancellation: [
          'cancel my',
          'cancel our',
          'want to cancel',
          'cancellation',
          'terminate',
          'close my account',
          'end my contract',
          'stop my service',
        ],
        complaint: [
          'complaint',
          'complain',
          'ridiculous',
          'unacceptable',
          'terrible',
          'awful',
          'angry',
          'frustrated',
          'upset',
          'disappointed',
          'worst',
          'nobody has called',
          'nobody called',
        ],
        legal: ['lawyer', 'attorney', 'legal', 'lawsuit', 'sue you', 'suing', 'subpoena', 'court'],
        emergency: ['emergency', 'urgent', 'outage', 'is down', 'went down', 'all calls failing'],
      },
      always_human: ['billing', 'cancellation', 'complaint', 'legal', 'emergency'],
      sentiment_threshold: -0.5,
    },
    default_transfer_user_id: 'user_alex_rivera',
    ...overrides,
  };
}

interface Article {
  id: string;
  title: string;
  body: string;
  body_es?: string;
  tags: string[];
}

/** Knowledge search over `list`: title words weigh 3, tags 2, body 1 (Postgres weighs A, B, C alike). */
export function knowledgeServices(list: readonly Article[]): BrainServices {
  const index = list.map((a) => ({
    a,
    title: new Set(contentStems(a.title)),
    tags: new Set(a.tags.flatMap((t) => contentStems(t))),
    body: new Set(contentStems(a.body)),
  }));
  return {
    searchKnowledge(query: string, limit = 3): Promise<KnowledgeHit[]> {
      const q = new Set(contentStems(query));
      const hits = index.map(({ a, title, tags, body }) => {
        let rank = 0;
        for (const s of q) rank += (title.has(s) ? 3 : 0) + (tags.has(s) ? 2 : 0) + (body.has(s) ? 1 : 0);
        return { ...a, rank };
      }).filter((h) => h.rank > 0).sort((x, y) => y.rank - x.rank || x.title.localeCompare(y.title)).slice(
        0,
        limit,
      );
      return Promise.resolve(hits);
    },
  };
}

/** The seed's articles (supabase/seed.sql), as the database holds them. */
export const ARTICLES: readonly Article[] = articles as Article[];
/** The same facts worded differently, so the engine is not fitted to one wording. */
export const ALT_ARTICLES: readonly Article[] = altArticles as Article[];

export const fixtureServices = knowledgeServices(ARTICLES);
export const altServices = knowledgeServices(ALT_ARTICLES);
