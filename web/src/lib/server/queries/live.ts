/** Reads behind the live view: calls in progress and transcript lines (run under RLS). */
import type { Tx } from '../db.ts';

import type { LiveCall, TranscriptLine } from '../../types.ts';

export type { LiveCall, TranscriptLine };

const callColumns = (tx: Tx) => tx`
  c.id, c.direction, c.from_number, c.to_number, c.status, c.started_at, c.ended_at, c.escalated,
  c.outcome, c.customer_id, cu.name as customer_name
`;

const lineColumns = (tx: Tx) => tx`
  m.id, m.conversation_id, m.turn, m.role, m.kind, m.content, m.latency_ms, m.first_token_ms, m.interrupted, m.provider,
  m.tools, m.created_at
`;

/**
 * Calls in progress. A call whose status callback never came would stay open forever, so only
 * calls started in the last four hours count as live.
 */
export function liveCalls(tx: Tx): Promise<LiveCall[]> {
  return tx<LiveCall[]>`
    select ${callColumns(tx)}
    from public.conversations c left join public.customers cu on cu.id = c.customer_id
    where c.ended_at is null and c.status in ('ringing', 'in-progress')
      and c.started_at > now() - interval '4 hours'
    order by c.started_at desc
  `;
}

/** These calls (the ones this user may read) in the live view's shape, ended ones too (to update the list). */
export function liveCallsByIds(tx: Tx, ids: string[]): Promise<LiveCall[]> {
  return tx<LiveCall[]>`
    select ${callColumns(tx)}
    from public.conversations c left join public.customers cu on cu.id = c.customer_id
    where c.id = any(${ids}::uuid[])
  `;
}

/** These lines (the ones this user may read), in id order. */
export function messagesByIds(tx: Tx, ids: number[]): Promise<TranscriptLine[]> {
  return tx<TranscriptLine[]>`select ${lineColumns(tx)} from public.messages m where m.id = any(${ids}::int8[]) order by m.id`;
}

/** The transcripts of these calls, in order. */
export function transcriptsOf(tx: Tx, conversationIds: string[]): Promise<TranscriptLine[]> {
  if (conversationIds.length === 0) return Promise.resolve([]);
  return tx<TranscriptLine[]>`
    select ${lineColumns(tx)} from public.messages m
    where m.conversation_id = any(${conversationIds}::uuid[])
    order by m.conversation_id, m.turn, m.role = 'agent', m.id
  `;
}

/** The newest message id, where a fresh live stream starts. */
export async function latestMessageId(tx: Tx): Promise<number> {
  const [row] = await tx<{ id: number }[]>`select coalesce(max(id), 0)::int8 as id from public.messages`;
  return row.id;
}

/**
 * Ids are taken at insert but lines are delivered at commit, so two calls recording at once can
 * commit out of id order: a resume replays this many ids before Last-Event-ID (the browser keeps
 * lines by id and drops the ones it has).
 */
export const REPLAY_MARGIN = 100;

/**
 * Lines a stream may have missed after `lastId`: of one call, or of the live and just-ended calls.
 */
export function messagesAfter(tx: Tx, lastId: number, conversationId: string | null): Promise<TranscriptLine[]> {
  const from = lastId > 0 ? Math.max(0, lastId - REPLAY_MARGIN) : 0;
  if (conversationId) {
    return tx<TranscriptLine[]>`
      select ${lineColumns(tx)} from public.messages m
      where m.conversation_id = ${conversationId} and m.id > ${from}
      order by m.id limit 1000
    `;
  }
  return tx<TranscriptLine[]>`
    select ${lineColumns(tx)} from public.messages m
    join public.conversations c on c.id = m.conversation_id
    where m.id > ${from}
      and (c.ended_at is null or c.ended_at > now() - interval '15 minutes')
      and c.started_at > now() - interval '4 hours'
    order by m.id limit 1000
  `;
}
