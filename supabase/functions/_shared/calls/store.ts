/**
 * The call's state changes, each one SQL function in one transaction (see the call functions
 * migration). Idempotent on Twilio's identifiers, so a retried webhook changes nothing twice.
 */
import type { Sql } from '../runtime/runtime.ts';
import type { AgentConfig, Customer, TeamMember, TurnActions, TurnMeta } from '../brain/types.ts';

export interface StartedCall {
  conversation_id: string;
  created: boolean;
  customer: Customer | null;
  returning: boolean;
  config: AgentConfig;
  team: TeamMember[];
}

export interface StoredTurn {
  turn: number;
  role: 'caller' | 'agent';
  content: string;
  at: string;
}

export interface TurnSnapshot {
  conversation: { id: string; call_sid: string; direction: 'inbound' | 'outbound'; from_number: string; to_number: string;
    state: Record<string, unknown>; last_turn: number; ended_at: string | null; transferred_to: string | null;
    recording_consent?: 'announced' | 'given' | 'declined' | null;
    stream_handoff?: StreamHandoff | null;
    voice_mode?: 'gather' | 'relay' | 'realtime' | null };
  customer: Customer | null;
  /** The version of the call's config and the team; they come only when the caller's is stale. */
  config_version: string;
  config?: AgentConfig;
  team?: TeamMember[];
  history: StoredTurn[];
}

/** The fields of a task as record_turn returns it (public.task_summary); checked by store_test. */
export const COMMITTED_TASK_FIELDS = ['task_id', 'task_type', 'at', 'phone', 'topic', 'assigned_to', 'assignee_name'] as const;

/** A task as record_turn committed it: what the agent may confirm. */
export interface CommittedTask extends Record<(typeof COMMITTED_TASK_FIELDS)[number], string | null> {
  task_id: string;
  task_type: 'callback' | 'message';
  at: string;
}

export interface RecordedTurn {
  replayed: boolean;
  reply: string;
  actions: TurnActions;
  /** The tasks this turn committed (absent on a replay). */
  committed?: { callback?: CommittedTask; message?: CommittedTask };
  /** The call's language after this turn ('en', 'es'), when the brain has said. */
  language?: string | null;
}

/** What a call does when its media stream closes (realtime voice mode). */
export interface StreamHandoff {
  next: 'resume' | 'fallback' | 'transfer' | 'hangup';
  reason: string | null;
}

/** What the caller did this turn, as stored. `event` turns (a dial that ended) have no caller row. */
export type StoredInput =
  | { kind: 'speech'; text: string; confidence?: number }
  | { kind: 'digits'; text: string }
  | { kind: 'silence' }
  | { kind: 'event'; text: string };

async function one<T>(rows: Promise<{ r: T }[]>): Promise<T> {
  return (await rows)[0].r;
}

export const store = {
  startCall: (sql: Sql, callSid: string, from: string, to: string, direction: string) =>
    one<StartedCall>(sql`select public.start_call(${callSid}, ${from}, ${to}, ${direction}) as r`),

  /** The greeting stored for the call (its turn 0), or null when none is yet. */
  storedGreeting: async (sql: Sql, callSid: string) =>
    (await sql<{ content: string }[]>`select m.content from public.messages m
      join public.conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid} and m.turn = 0 and m.role = 'agent'`)[0]?.content ?? null,

  /** Stores the call's greeting (turn 0); false when one was already stored. */
  recordGreeting: (sql: Sql, callSid: string, greeting: string) =>
    one<boolean>(sql`select public.record_greeting(${callSid}, ${greeting}) as r`),

  loadTurnContext: (sql: Sql, callSid: string, knownConfigVersion: string | null) =>
    one<TurnSnapshot>(sql`select public.load_turn_context(${callSid}, ${knownConfigVersion}) as r`),

  recordTurn: (sql: Sql, t: { callSid: string; turn: number; input: StoredInput; reply: string; meta: TurnMeta;
    state: Record<string, unknown>; actions: TurnActions }) =>
    one<RecordedTurn>(sql`select public.record_turn(${t.callSid}, ${t.turn}, ${sql.json(t.input as never)},
      ${t.reply}, ${sql.json(t.meta as never)}, ${sql.json(t.state as never)}, ${sql.json(t.actions as never)}) as r`),

  /**
   * record_turn, committed only before `answerBy` (the webhook's deadline, less a margin): a turn
   * that would be stored after the caller was answered without it is rolled back instead.
   */
  recordTurnBefore: (sql: Sql, answerBy: Date, t: { callSid: string; turn: number; input: StoredInput; reply: string;
    meta: TurnMeta; state: Record<string, unknown>; actions: TurnActions }) =>
    one<RecordedTurn>(sql`select public.record_turn_before(${answerBy}, ${t.callSid}, ${t.turn},
      ${sql.json(t.input as never)}, ${t.reply}, ${sql.json(t.meta as never)}, ${sql.json(t.state as never)},
      ${sql.json(t.actions as never)}) as r`),

  /** The caller cut turn `turn`'s stored reply short: keep the part they heard. */
  recordInterruption: (sql: Sql, callSid: string, turn: number, heard: string) =>
    one<boolean>(sql`select public.record_interruption(${callSid}, ${turn}, ${heard}) as r`),

  /** A turn the fallback answered, stored later: the call's memory (state) is left as it was. */
  recordHeldTurn: (sql: Sql, t: { callSid: string; turn: number; input: StoredInput; reply: string }) =>
    one<RecordedTurn>(sql`select public.record_turn(${t.callSid}, ${t.turn}, ${sql.json(t.input as never)},
      ${t.reply}, ${sql.json({ provider: 'fallback' } as never)}, null, '{}'::jsonb) as r`),

  finishCall: (sql: Sql, callSid: string, status: string, durationSeconds: number | null) =>
    one<{ closed: boolean }>(sql`select public.finish_call(${callSid}, ${status}, ${durationSeconds}) as r`),

  recordDialResult: (sql: Sql, callSid: string, status: string, durationSeconds: number | null) =>
    one<Record<string, unknown>>(sql`select public.record_dial_result(${callSid}, ${status}, ${durationSeconds}) as r`),

  /** The <Dial> action, where a leg the member did not take (no 1 after the whisper) is not answered. */
  recordWarmDialResult: (sql: Sql, callSid: string, status: string, durationSeconds: number | null) =>
    one<{ answered: boolean; transfer_status: string; whisper: string }>(sql`select public.record_warm_dial_result(
      ${callSid}, ${status}, ${durationSeconds}) as r`),

  recordVoicemail: (sql: Sql, v: { callSid: string; from: string; recordingUrl: string; durationSeconds: number | null }) =>
    one<Record<string, unknown>>(sql`select public.record_voicemail(${v.callSid}, ${v.from}, ${v.recordingUrl},
      ${v.durationSeconds}) as r`),

  recordConsent: (sql: Sql, callSid: string, answer: 'announced' | 'given' | 'declined') =>
    one<{ consent: string }>(sql`select public.record_recording_consent(${callSid}, ${answer}) as r`),

  recordRecordingStatus: (sql: Sql, recordingSid: string, status: string, durationSeconds: number | null) =>
    one<boolean>(sql`select public.record_recording_status(${recordingSid}, ${status}, ${durationSeconds}) as r`),

  recordPrivacyRequest: (sql: Sql, callSid: string, kind: 'erasure' | 'do_not_call') =>
    one<{ ok: boolean; reason?: string }>(sql`select public.record_privacy_request(${callSid}, ${kind}) as r`),

  recordStreamHandoff: (sql: Sql, callSid: string, next: StreamHandoff['next'], reason: string | null) =>
    sql`select public.record_stream_handoff(${callSid}, ${next}, ${reason})`.then(() => undefined),

  /** The knowledge base's article titles, for a model's instructions. */
  knowledgeTopics: (sql: Sql, limit = 30) =>
    sql<{ title: string }[]>`select title from public.knowledge_articles where active order by title limit ${limit}`
      .then((rows) => rows.map((r) => r.title)),

  /** Up to 100 phrases, comma-separated: active articles' tags and active team members' first names. */
  speechHints: async (sql: Sql) =>
    (await sql<{ hints: string | null }[]>`
      select string_agg(phrase, ',' order by phrase) as hints from (
        select distinct phrase from (
          select unnest(tags) as phrase from public.knowledge_articles where active
          union select split_part(name, ' ', 1) from public.team_members where active
        ) p where length(phrase) between 2 and 40 and phrase !~ '[,<>"]' limit 100
      ) h`)[0]?.hints ?? '',

  searchKnowledge: (sql: Sql, query: string, limit: number) =>
    sql<{ id: string; title: string; body: string; body_es: string | null; tags: string[]; rank: number }[]>`
      select id, title, body, body_es, tags, rank from public.search_knowledge(${query}, ${limit})`,
};
