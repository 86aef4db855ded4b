/** Call history, one call's full record, and today's figures (all under RLS). */
import type { Tx } from '../db.ts';
import { transcriptsOf, type TranscriptLine } from './live.ts';

export const OUTCOMES = ['answered', 'lead_captured', 'callback_booked', 'escalated', 'message_taken', 'abandoned'] as const;
export const PAGE_SIZE = 25;

export interface CallFilters {
  q: string;
  outcome: string;
  escalated: '' | 'yes' | 'no';
  /** Business-local dates, YYYY-MM-DD, inclusive. */
  from: string;
  to: string;
  page: number;
}

export interface CallRow {
  id: string;
  direction: string;
  from_number: string;
  to_number: string;
  status: string;
  started_at: Date;
  duration_seconds: number | null;
  escalated: boolean;
  outcome: string | null;
  sentiment_score: number | null;
  cost_usd: number;
  customer_id: string | null;
  customer_name: string | null;
}

const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

/** Filters from a URL's query string; anything unusable is dropped rather than failing. */
export function callFilters(params: URLSearchParams): CallFilters {
  const outcome = params.get('outcome') ?? '';
  const escalated = params.get('escalated') ?? '';
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  return {
    q: (params.get('q') ?? '').trim().slice(0, 200),
    outcome: (OUTCOMES as readonly string[]).includes(outcome) ? outcome : '',
    escalated: escalated === 'yes' || escalated === 'no' ? escalated : '',
    from: isDate(from) ? from : '',
    to: isDate(to) ? to : '',
    page: Math.max(1, Math.min(10_000, Number.parseInt(params.get('page') ?? '1', 10) || 1)),
  };
}

/** A page of calls matching the filters, newest first, and how many match in all. */
export async function searchCalls(tx: Tx, f: CallFilters): Promise<{ rows: CallRow[]; total: number }> {
  const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // A query written like a phone number also matches however the number is formatted.
  const digits = /^[\d\s()+.-]+$/.test(f.q) ? f.q.replace(/[^0-9]/g, '') : '';
  const where = () => tx`
    where true
    ${f.q ? tx`and (
      c.from_number ilike ${like} or c.to_number ilike ${like}
      ${digits.length >= 3 ? tx`or c.from_number like ${`%${digits}%`} or c.to_number like ${`%${digits}%`}` : tx``}
      or cu.name ilike ${like} or cu.company ilike ${like}
      or exists (
        select 1 from public.messages m
        where m.conversation_id = c.id
          and to_tsvector('english'::regconfig, m.content) @@ websearch_to_tsquery('english'::regconfig, ${f.q})
      )
    )` : tx``}
    ${f.outcome ? tx`and c.outcome = ${f.outcome}` : tx``}
    ${f.escalated ? tx`and c.escalated = ${f.escalated === 'yes'}` : tx``}
    ${f.from ? tx`and c.started_at >= ${f.from}::date::timestamp at time zone public.business_timezone()` : tx``}
    ${f.to ? tx`and c.started_at < (${f.to}::date + 1)::timestamp at time zone public.business_timezone()` : tx``}
  `;
  const [{ total }] = await tx<{ total: number }[]>`
    select count(*)::int8 as total
    from public.conversations c left join public.customers cu on cu.id = c.customer_id
    ${where()}
  `;
  const rows = await tx<CallRow[]>`
    select c.id, c.direction, c.from_number, c.to_number, c.status, c.started_at, c.duration_seconds,
           c.escalated, c.outcome, c.sentiment_score, c.cost_usd, c.customer_id, cu.name as customer_name
    from public.conversations c left join public.customers cu on cu.id = c.customer_id
    ${where()}
    order by c.started_at desc, c.id
    limit ${PAGE_SIZE} offset ${(f.page - 1) * PAGE_SIZE}
  `;
  return { rows, total };
}

export interface CallDetail {
  call: CallRow & {
    call_sid: string;
    ended_at: Date | null;
    summary: string | null;
    lead_score: number | null;
    transferred_to: string | null;
    transfer_status: string | null;
    silence_count: number;
    last_turn: number;
    /** The caller's language ('en', 'es'), when the agent could tell. */
    language: string | null;
    escalation_review: string | null;
    satisfaction_score: number | null;
  };
  customer: Record<string, unknown> | null;
  transcript: TranscriptLine[];
  tasks: { id: string; task_type: string; scheduled_for: Date; status: string; notes: string | null }[];
}

/** Everything the call page shows, or null when the call does not exist (or is not visible). */
export async function callDetail(tx: Tx, id: string): Promise<CallDetail | null> {
  const [call] = await tx<CallDetail['call'][]>`
    select c.id, c.call_sid, c.direction, c.from_number, c.to_number, c.status, c.started_at, c.ended_at,
           c.duration_seconds, c.escalated, c.outcome, c.sentiment_score, c.lead_score, c.cost_usd, c.summary,
           c.transferred_to, c.transfer_status, c.silence_count, c.last_turn, c.language, c.customer_id, cu.name as customer_name,
           c.escalation_review, c.satisfaction_score
    from public.conversations c left join public.customers cu on cu.id = c.customer_id
    where c.id = ${id}
  `;
  if (!call) return null;
  const [customer] = call.customer_id
    ? await tx`select id, phone_number, name, company, email, need, timeline, lead_status, lead_score from public.customers where id = ${call.customer_id}`
    : [];
  const transcript = await transcriptsOf(tx, [id]);
  const tasks = await tx<CallDetail['tasks']>`
    select id, task_type, scheduled_for, status, notes from public.scheduled_tasks
    where conversation_id = ${id} order by scheduled_for
  `;
  return { call, customer: customer ?? null, transcript, tasks };
}

export interface TodayFigures {
  calls: number;
  live: number;
  escalations: number;
  leads: number;
  callbacks_booked: number;
  avg_duration_seconds: number | null;
  avg_sentiment: number | null;
  cost_usd: number;
  callbacks_due: number;
}

/** Today's figures, "today" being the business's day in its own time zone. */
export async function todayFigures(tx: Tx): Promise<TodayFigures> {
  const [row] = await tx<TodayFigures[]>`
    with day as (
      select date_trunc('day', now() at time zone public.business_timezone()) at time zone public.business_timezone() as start
    )
    select
      count(c.id)::int8 as calls,
      count(c.id) filter (where c.ended_at is null and c.status in ('ringing', 'in-progress'))::int8 as live,
      count(c.id) filter (where c.escalated)::int8 as escalations,
      count(c.id) filter (where c.outcome = 'lead_captured')::int8 as leads,
      count(c.id) filter (where c.outcome = 'callback_booked')::int8 as callbacks_booked,
      round(avg(c.duration_seconds))::float8 as avg_duration_seconds,
      round(avg(c.sentiment_score), 2)::float8 as avg_sentiment,
      coalesce(sum(c.cost_usd), 0)::float8 as cost_usd,
      (select count(*) from public.scheduled_tasks t, day
        where t.status = 'pending' and t.task_type = 'callback'
          and t.scheduled_for < day.start + interval '1 day')::int8 as callbacks_due
    from day left join public.conversations c on c.started_at >= day.start
  `;
  return row;
}
