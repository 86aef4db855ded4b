/** A finished call as the analysers read it: facts, customer, agent config and the transcript. */
import type { Sql } from '../../runtime/runtime.ts';
import type { AgentConfig } from '../../brain/types.ts';
import { PermanentJobError } from '../errors.ts';

export const OUTCOMES = [
  'answered',
  'lead_captured',
  'callback_booked',
  'escalated',
  'message_taken',
  'abandoned',
] as const;
export type Outcome = typeof OUTCOMES[number];

export interface CallTurn {
  turn: number;
  role: 'caller' | 'agent';
  kind: string;
  content: string;
}

export interface CallRecord {
  id: string;
  direction: 'inbound' | 'outbound';
  status: string;
  outcome: Outcome | null;
  escalated: boolean;
  transferStatus: string | null;
  durationSeconds: number | null;
  startedAt: string;
  analysedAt: string | null;
  customerId: string | null;
  customer: {
    name: string | null;
    company: string | null;
    email: string | null;
    need: string | null;
    timeline: string | null;
    phone_number: string;
  } | null;
  config: AgentConfig | null;
  turns: CallTurn[];
  callback: { scheduled_for: string; notes: string | null; assignee?: string | null } | null;
  message: { notes: string | null } | null;
}

/** What a call came to, found by reading it. */
export interface CallAnalysis {
  summary: string;
  /** -1..1, two decimals (the seed's sentiment_score scale). */
  sentiment: number;
  /** 0..100. */
  lead_score: number;
  outcome: Outcome;
  /** Lead fields found in the transcript. */
  fields: { name?: string; company?: string; email?: string; need?: string; timeline?: string };
  topics: string[];
  /**
   * Whether the call told something about the caller as a lead (interest, a need, a timeline, a
   * booking, no interest). Without it the customer's score and status stay (store_call_analysis).
   */
  lead_evidence?: boolean;
  /** Who analysed it: 'local' or the provider's name, with the model. */
  provider: string;
  model?: string;
  /** Why providers before this one did not (kinds and statuses, never text). */
  failures?: string[];
}

/** Reads a closed call; a call that is not closed (or does not exist) cannot be analysed. */
export async function loadCall(sql: Sql, id: string): Promise<CallRecord> {
  const [row] = await sql`
    select c.id, c.direction, c.status, c.outcome, c.escalated, c.transfer_status, c.duration_seconds,
           c.started_at, c.ended_at, c.analysed_at, c.customer_id,
           (select to_jsonb(cu) from public.customers cu where cu.id = c.customer_id) as customer,
           (select to_jsonb(a) from public.agent_configs a
             where a.id = c.agent_config_id or (c.agent_config_id is null and a.is_active) limit 1) as config,
           (select coalesce(jsonb_agg(jsonb_build_object('turn', m.turn, 'role', m.role, 'kind', m.kind,
               'content', m.content) order by m.turn, m.role = 'agent', m.id), '[]')
              from public.messages m where m.conversation_id = c.id) as turns,
           (select jsonb_build_object('scheduled_for', t.scheduled_for, 'notes', t.notes,
               'assignee', (select m.name from public.team_members m where m.user_id = t.assigned_to))
             from public.scheduled_tasks t
             where t.conversation_id = c.id and t.task_type = 'callback' and t.status <> 'cancelled'
             order by t.created_at desc limit 1) as callback,
           (select jsonb_build_object('notes', t.notes) from public.scheduled_tasks t
             where t.conversation_id = c.id and t.task_type = 'message' order by t.created_at desc limit 1) as message
    from public.conversations c where c.id = ${id}::uuid`;
  if (!row) throw new PermanentJobError('unknown conversation');
  if (!row.ended_at) throw new PermanentJobError('the call has not ended');
  return {
    id: row.id,
    direction: row.direction,
    status: row.status,
    outcome: row.outcome,
    escalated: row.escalated,
    transferStatus: row.transfer_status,
    durationSeconds: row.duration_seconds,
    startedAt: new Date(row.started_at).toISOString(),
    analysedAt: row.analysed_at ? new Date(row.analysed_at).toISOString() : null,
    customerId: row.customer_id,
    customer: row.customer,
    config: row.config,
    turns: row.turns,
    callback: row.callback,
    message: row.message,
  };
}
