/** Test fixtures: the demo business's agent config and team, and turn contexts built from them. */
import type {
  AgentConfig,
  BrainServices,
  HistoryEntry,
  TeamMember,
  TurnContext,
  TurnInput,
} from '../../types.ts';

/** Agent configuration like the seed's (LegacyAI), with `overrides` applied. */
export function demoConfig(overrides: Partial<AgentConfig> = {}): AgentConfig {
  return {
    id: '00000000-0000-0000-0000-0000000000a1',
    business_name: 'LegacyAI',
    greeting: 'Thanks for calling LegacyAI, how can I help?',
    returning_greeting: 'Welcome back, {name}! How can I help?',
    system_prompt:
      'You are the phone assistant of LegacyAI, which sells AI voice agents and workflow automation.',
    voice: 'Polly.Joanna',
    language: 'en-US',
    timezone: 'America/New_York',
    business_hours: {
      mon: [['09:00', '18:00']],
      tue: [['09:00', '18:00']],
      wed: [['09:00', '18:00']],
      thu: [['09:00', '18:00']],
      fri: [['09:00', '18:00']],
    },
    holidays: [],
    hours_override: null,
    providers: ['openai', 'anthropic', 'local'],
    provider_settings: { openai: { model: 'gpt-4o-mini' }, anthropic: { model: 'claude-haiku-4-5' } },
    turn_deadline_ms: 8000,
    max_silence_prompts: 2,
    escalation_rules: {},
    default_transfer_user_id: 'user_alex',
    ...overrides,
  };
}

/** The demo team (numbers in the fictional 555-01XX range). */
export function demoTeam(): TeamMember[] {
  return [
    {
      user_id: 'user_alex',
      name: 'Alex Rivera',
      phone: '+15550100001',
      role: 'admin',
      active: true,
      topics: ['new business', 'pricing negotiation', 'partnerships'],
    },
    {
      user_id: 'user_jordan',
      name: 'Jordan Lee',
      phone: '+15550100002',
      role: 'member',
      active: true,
      topics: ['technical questions', 'integrations', 'setup problems'],
    },
    {
      user_id: 'user_sam',
      name: 'Sam Patel',
      phone: '+15550100003',
      role: 'member',
      active: true,
      topics: ['existing customers', 'billing', 'cancellations', 'complaints'],
    },
  ];
}

export const noServices: BrainServices = { searchKnowledge: () => Promise.resolve([]) };

/** A turn context for the demo business; Wednesday 25 Nov 2026, 10:30 in New York, open. */
export function makeContext(input: TurnInput | string, over: Partial<TurnContext> = {}): TurnContext {
  return {
    callSid: 'CA00000000000000000000000000000001',
    conversationId: '00000000-0000-0000-0000-0000000000c1',
    direction: 'inbound',
    turnIndex: 1,
    callerNumber: '+15555550103',
    history: [{
      role: 'agent',
      content: 'Thanks for calling LegacyAI, how can I help?',
      at: '2026-11-25T15:30:00Z',
    }],
    customer: null,
    config: demoConfig(),
    team: demoTeam(),
    state: {},
    now: new Date('2026-11-25T15:30:05Z'),
    withinHours: true,
    input: typeof input === 'string' ? { kind: 'speech', text: input } : input,
    ...over,
  };
}

/** The history after a turn: the caller's words and the agent's reply appended. */
export function extendHistory(history: HistoryEntry[], caller: string, agent: string): HistoryEntry[] {
  const at = new Date().toISOString();
  return [...history, { role: 'caller', content: caller, at }, { role: 'agent', content: agent, at }];
}
