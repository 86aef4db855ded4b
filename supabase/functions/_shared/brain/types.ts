/**
 * The boundary between the webhook layer and the agent's brain.
 *
 * The webhook layer builds a `TurnContext` from Postgres (history, customer, agent config, team,
 * clock), asks a `Brain` for one turn, and commits the returned `TurnResult` (reply, actions,
 * new state) in one SQL call (`public.record_turn`). A brain never writes to the database itself:
 * its tools return actions, so a turn is atomic and a retried webhook changes nothing twice.
 */

export type Role = 'caller' | 'agent';

export interface HistoryEntry {
  role: Role;
  content: string;
  /** ISO timestamp. */
  at: string;
}

export type TurnInput =
  | { kind: 'speech'; text: string; confidence?: number }
  | { kind: 'digits'; digits: string }
  | { kind: 'silence' };

export interface Customer {
  id: string;
  phone_number: string;
  name: string | null;
  company: string | null;
  email: string | null;
  need: string | null;
  timeline: string | null;
}

export interface TeamMember {
  user_id: string;
  name: string;
  phone: string;
  role: 'admin' | 'member';
  topics: string[];
  active: boolean;
}

/** Weekly schedule: lowercase three-letter day → list of [open, close] in 'HH:MM' local time. */
export type WeeklyHours = Partial<Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', [string, string][]>>;

export interface AgentConfig {
  id: string;
  business_name: string;
  greeting: string;
  /** Used when the caller is known by name; `{name}` is replaced by the caller's first name. */
  returning_greeting: string;
  system_prompt: string;
  voice: string;
  language: string;
  timezone: string;
  business_hours: WeeklyHours;
  /** Dates (YYYY-MM-DD, local) on which the business is closed. */
  holidays: string[];
  hours_override: 'open' | 'closed' | null;
  /** Provider chain, tried in order; 'local' is always appended last if missing. */
  providers: string[];
  /** Provider settings: { openai: { model, base_url? }, anthropic: { model }, prices: {...} }. */
  provider_settings: Record<string, unknown>;
  turn_deadline_ms: number;
  max_silence_prompts: number;
  /** Escalation rules: { topics: { billing: ['billing','charge',...], ... }, sentiment_threshold, ... }. */
  escalation_rules: Record<string, unknown>;
  default_transfer_user_id: string | null;
  /** The greeting says the caller is speaking with an AI (compliance/greeting.ts). */
  ai_disclosure?: boolean;
  /** Call recording: off; announced and recorded; or asked, and recorded only on a yes. */
  recording_mode?: 'off' | 'announce' | 'ask';
  /**
   * How calls are spoken (see the voice mode migration). The database always sets the next three;
   * configs built by hand in tests may leave them out, and then mean gather with no streaming.
   */
  voice_mode?: VoiceMode;
  /** A streaming session ends itself at a quiet moment before this many seconds, then resumes. */
  session_limit_seconds?: number;
  /** ConversationRelay attributes: ttsProvider, voice, transcriptionProvider, speechModel, interruptible. */
  relay_settings?: Record<string, unknown>;
}

export const VOICE_MODES = ['gather', 'relay', 'realtime'] as const;
export type VoiceMode = (typeof VOICE_MODES)[number];

export interface KnowledgeHit {
  id: string;
  title: string;
  body: string;
  /** The article in Spanish, for Spanish-speaking callers, when the team wrote one. */
  body_es?: string | null;
  tags: string[];
  rank: number;
}

/** Read-only services a brain may use during a turn. */
export interface BrainServices {
  searchKnowledge(query: string, limit?: number): Promise<KnowledgeHit[]>;
}

export interface TurnContext {
  callSid: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  /** 1 for the first caller turn after the greeting. */
  turnIndex: number;
  callerNumber: string;
  history: HistoryEntry[];
  customer: Customer | null;
  config: AgentConfig;
  team: TeamMember[];
  /** The brain's own memory for this call (slots, counters); returned updated in TurnResult. */
  state: Record<string, unknown>;
  now: Date;
  /** Whether the business is open now (config schedule, holidays and override applied). */
  withinHours: boolean;
  input: TurnInput;
  /** Set when the previous turn dialled someone and the dial ended (busy, no-answer, ...). */
  dialResult?: { status: string; to: string };
}

export interface LeadFields {
  name?: string;
  company?: string;
  email?: string;
  phone?: string;
  need?: string;
  timeline?: string;
}

export interface TurnActions {
  /** Fields to merge into the caller's customers row. */
  lead?: LeadFields;
  /**
   * A callback to book: ISO instant, number to call, free-text notes, what it is about and the team
   * member the agent named (SQL gives it to that member if active, else the topic's owner).
   */
  callback?: { at: string; phone: string; notes?: string; topic?: string; user_id?: string };
  /** Dial this team member (only numbers from team_members). */
  transfer?: { user_id: string; phone: string; topic?: string; reason?: string };
  /** A message left for the team (after hours, or a transfer nobody answered). */
  message?: { text: string; topic?: string; user_id?: string };
  /** End the call after the reply. */
  hangup?: boolean;
}

export interface TurnMeta {
  provider: string;
  latency_ms: number;
  tokens_in: number;
  tokens_out: number;
  cost_usd: number;
  tools: string[];
  intent?: string;
  /** Streaming modes: from the caller's words arriving to the first reply token sent. */
  first_token_ms?: number;
  /** The language the caller speaks, as far as the brain can tell ('en', 'es'). */
  language?: string;
  /** The caller cut the reply short; the stored reply is the part they heard. */
  interrupted?: boolean;
  /** The provider failed after the reply had started; it ended with an apology. */
  provider_failed?: boolean;
  voice_mode?: VoiceMode;
}

export interface TurnResult {
  reply: string;
  actions: TurnActions;
  state: Record<string, unknown>;
  meta: TurnMeta;
}

export interface Brain {
  turn(ctx: TurnContext, services: BrainServices): Promise<TurnResult>;
}

/** JSON Schema (the subset OpenAI and Anthropic both accept) for a tool's arguments. */
export type JsonSchema = Record<string, unknown>;

export interface ToolContext {
  turn: TurnContext;
  services: BrainServices;
  /** The language a tool's sentences are spoken in (the local engine speaks them as they are). */
  language?: 'en' | 'es';
}

/**
 * What a tool produced: `result` is what the model (or the local engine) is told — for a failure, a
 * sentence the agent can say — and `actions` are merged into the turn's actions.
 */
export interface ToolOutcome {
  ok: boolean;
  result: string;
  actions: TurnActions;
}

/** A tool is data (name, description, JSON schema) plus a handler; see brain/tools/. */
export interface Tool {
  name: 'capture_lead' | 'schedule_callback' | 'transfer_to_human' | 'search_knowledge_base' | 'end_call';
  description: string;
  parameters: JsonSchema;
  handler(args: Record<string, unknown>, tc: ToolContext): Promise<ToolOutcome>;
}
