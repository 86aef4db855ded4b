/**
 * The lead pipeline: leads by status with counts and value, best score first, each with its owner
 * and next action; moves, assignments and CSV export (one or many); a lead's status history.
 * All under RLS; the history is written by the database (a trigger), never here.
 */
import type { Tx } from '../db.ts';
import { toCsv } from '../csv.ts';
import { LEAD_STATUSES, type CustomerFilters } from './customers.ts';

export const PIPELINE_PAGE_SIZE = 50;

export interface StageSummary {
  status: (typeof LEAD_STATUSES)[number];
  leads: number;
  value_usd: number;
}

export interface LeadRow {
  id: string;
  phone_number: string;
  name: string | null;
  company: string | null;
  email: string | null;
  need: string | null;
  timeline: string | null;
  lead_status: string;
  lead_score: number | null;
  deal_value_usd: number | null;
  owner_id: string | null;
  owner_name: string | null;
  call_count: number;
  last_call_at: Date | null;
  /** The lead's next open task (callback, follow-up, message), soonest first. */
  next_action: string | null;
  next_action_at: Date | null;
}

/** Count and summed deal value per status, every status listed (zero when empty). */
export function stageSummary(tx: Tx): Promise<StageSummary[]> {
  return tx<StageSummary[]>`
    select s.status, count(c.id)::int8 as leads, coalesce(sum(c.deal_value_usd), 0)::float8 as value_usd
    from unnest(${LEAD_STATUSES as unknown as string[]}::text[]) with ordinality as s(status, n)
    left join public.customers c on c.lead_status = s.status
    group by s.status, s.n order by s.n
  `;
}

const leadColumns = (tx: Tx) => tx`
  c.id, c.phone_number, c.name, c.company, c.email, c.need, c.timeline, c.lead_status, c.lead_score,
  c.deal_value_usd::float8 as deal_value_usd, c.owner_id, tm.name as owner_name, c.call_count, c.last_call_at,
  nt.task_type as next_action, nt.scheduled_for as next_action_at
`;

const leadJoins = (tx: Tx) => tx`
  left join public.team_members tm on tm.user_id = c.owner_id
  left join lateral (
    select t.task_type, t.scheduled_for from public.scheduled_tasks t
    where t.customer_id = c.id and t.status in ('pending', 'in_progress', 'failed')
    order by t.scheduled_for limit 1
  ) nt on true
`;

/** Leads matching the filters, best score first (unscored last), then the most recent caller. */
export async function listLeads(tx: Tx, f: CustomerFilters & { owner?: string }): Promise<{ rows: LeadRow[]; total: number }> {
  const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const digits = /^[\d\s()+.-]+$/.test(f.q) ? f.q.replace(/[^0-9]/g, '') : '';
  const where = () => tx`
    where true
    ${f.q ? tx`and (c.name ilike ${like} or c.company ilike ${like} or c.email ilike ${like} or c.phone_number ilike ${like}
      ${digits.length >= 3 ? tx`or c.phone_number like ${`%${digits}%`}` : tx``})` : tx``}
    ${f.status ? tx`and c.lead_status = ${f.status}` : tx``}
    ${f.owner === 'none' ? tx`and c.owner_id is null` : f.owner ? tx`and c.owner_id = ${f.owner}` : tx``}
  `;
  const [{ total }] = await tx<{ total: number }[]>`select count(*)::int8 as total from public.customers c ${where()}`;
  const rows = await tx<LeadRow[]>`
    select ${leadColumns(tx)} from public.customers c ${leadJoins(tx)} ${where()}
    order by c.lead_score desc nulls last, c.last_call_at desc nulls last, c.created_at desc, c.id
    limit ${PIPELINE_PAGE_SIZE} offset ${(f.page - 1) * PIPELINE_PAGE_SIZE}
  `;
  return { rows, total };
}

/** These leads (the ones visible to the user), best score first, for an export. */
export function leadsByIds(tx: Tx, ids: string[]): Promise<LeadRow[]> {
  return tx<LeadRow[]>`
    select ${leadColumns(tx)} from public.customers c ${leadJoins(tx)}
    where c.id = any(${ids}::uuid[])
    order by c.lead_score desc nulls last, c.last_call_at desc nulls last, c.id
  `;
}

/** Move leads to a status (the database records who and when); returns how many moved. */
export async function moveLeads(tx: Tx, ids: string[], status: string): Promise<number> {
  const [{ n }] = await tx<{ n: number }[]>`select public.move_leads(${ids}::uuid[], ${status}) as n`;
  return n;
}

/** Give leads an owner (null: nobody); returns how many. */
export async function assignLeads(tx: Tx, ids: string[], owner: string | null): Promise<number> {
  const [{ n }] = await tx<{ n: number }[]>`select public.assign_leads(${ids}::uuid[], ${owner}) as n`;
  return n;
}

export interface StatusChange {
  from_status: string | null;
  to_status: string;
  changed_by_name: string | null;
  changed_at: Date;
}

export function statusHistory(tx: Tx, customerId: string): Promise<StatusChange[]> {
  return tx<StatusChange[]>`
    select h.from_status, h.to_status, tm.name as changed_by_name, h.changed_at
    from public.lead_status_changes h left join public.team_members tm on tm.user_id = h.changed_by
    where h.customer_id = ${customerId}
    order by h.changed_at desc, h.id desc limit 50
  `;
}

export const LEAD_CSV_COLUMNS = ['name', 'company', 'phone_number', 'email', 'lead_status', 'lead_score', 'deal_value_usd',
  'owner_name', 'need', 'timeline', 'next_action', 'next_action_at', 'call_count', 'last_call_at'] as const satisfies readonly (keyof LeadRow)[];

export function leadsCsv(rows: LeadRow[]): string {
  return toCsv<LeadRow>(LEAD_CSV_COLUMNS, rows);
}
