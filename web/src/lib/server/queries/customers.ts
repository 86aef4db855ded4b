/** Customers and leads: list, one customer's record with calls and tasks, edits, "call now". */
import type { Tx } from '../db.ts';

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'customer', 'lost'] as const;
export const CUSTOMER_PAGE_SIZE = 25;

export interface CustomerRow {
  id: string;
  phone_number: string;
  name: string | null;
  company: string | null;
  email: string | null;
  need: string | null;
  timeline: string | null;
  lead_status: string;
  lead_score: number | null;
  sentiment_score: number | null;
  notes: string | null;
  call_count: number;
  last_call_at: Date | null;
  owner_id?: string | null;
  deal_value_usd?: number | null;
  /** The caller's average 1-5 rating of their calls (satisfaction texts). */
  satisfaction?: number | null;
}

export interface CustomerFilters {
  q: string;
  status: string;
  page: number;
}

export function customerFilters(params: URLSearchParams): CustomerFilters {
  const status = params.get('status') ?? '';
  return {
    q: (params.get('q') ?? '').trim().slice(0, 200),
    status: (LEAD_STATUSES as readonly string[]).includes(status) ? status : '',
    page: Math.max(1, Math.min(10_000, Number.parseInt(params.get('page') ?? '1', 10) || 1)),
  };
}

export async function listCustomers(tx: Tx, f: CustomerFilters): Promise<{ rows: CustomerRow[]; total: number }> {
  const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  // A query written like a phone number also matches however the number is formatted.
  const digits = /^[\d\s()+.-]+$/.test(f.q) ? f.q.replace(/[^0-9]/g, '') : '';
  const where = () => tx`
    where true
    ${f.q ? tx`and (name ilike ${like} or company ilike ${like} or email ilike ${like} or phone_number ilike ${like}
      ${digits.length >= 3 ? tx`or phone_number like ${`%${digits}%`}` : tx``})` : tx``}
    ${f.status ? tx`and lead_status = ${f.status}` : tx``}
  `;
  const [{ total }] = await tx<{ total: number }[]>`select count(*)::int8 as total from public.customers ${where()}`;
  const rows = await tx<CustomerRow[]>`
    select id, phone_number, name, company, email, need, timeline, lead_status, lead_score, sentiment_score,
           notes, call_count, last_call_at
    from public.customers ${where()}
    order by last_call_at desc nulls last, created_at desc
    limit ${CUSTOMER_PAGE_SIZE} offset ${(f.page - 1) * CUSTOMER_PAGE_SIZE}
  `;
  return { rows, total };
}

export interface CustomerDetail {
  customer: CustomerRow;
  calls: { id: string; started_at: Date; duration_seconds: number | null; outcome: string | null; escalated: boolean; direction: string; status: string }[];
  tasks: { id: string; task_type: string; scheduled_for: Date; status: string; notes: string | null; attempts: number }[];
}

export async function customerDetail(tx: Tx, id: string): Promise<CustomerDetail | null> {
  const [customer] = await tx<CustomerRow[]>`
    select id, phone_number, name, company, email, need, timeline, lead_status, lead_score, sentiment_score,
           notes, call_count, last_call_at, owner_id, deal_value_usd::float8 as deal_value_usd,
           (select round(avg(satisfaction_score), 1)::float8 from public.conversations where customer_id = ${id}) as satisfaction
    from public.customers where id = ${id}
  `;
  if (!customer) return null;
  const calls = await tx<CustomerDetail['calls']>`
    select id, started_at, duration_seconds, outcome, escalated, direction, status
    from public.conversations where customer_id = ${id} order by started_at desc limit 50
  `;
  const tasks = await tx<CustomerDetail['tasks']>`
    select id, task_type, scheduled_for, status, notes, attempts
    from public.scheduled_tasks where customer_id = ${id} order by scheduled_for desc limit 50
  `;
  return { customer, calls, tasks };
}

export interface CustomerEdit {
  name: string | null;
  company: string | null;
  email: string | null;
  need: string | null;
  timeline: string | null;
  lead_status: string;
  lead_score: number | null;
  notes: string | null;
  /** Left as it is when absent. */
  deal_value_usd?: number | null;
}

/** Save the team's edits; false when the customer does not exist. */
export async function updateCustomer(tx: Tx, id: string, e: CustomerEdit): Promise<boolean> {
  const rows = await tx`
    update public.customers set
      name = ${e.name}, company = ${e.company}, email = ${e.email}, need = ${e.need}, timeline = ${e.timeline},
      lead_status = ${e.lead_status}, lead_score = ${e.lead_score}, notes = ${e.notes}, deal_value_usd = ${e.deal_value_usd === undefined ? tx`deal_value_usd` : e.deal_value_usd}
    where id = ${id}
    returning id
  `;
  return rows.length === 1;
}

/** Queue an outbound call now: a pending callback due now (the worker dials due callbacks). */
export async function callNow(tx: Tx, customerId: string): Promise<{ id: string; scheduled_for: Date }> {
  const [task] = await tx<{ id: string; scheduled_for: Date }[]>`
    select id, scheduled_for from public.request_call_now(${customerId}::uuid)
  `;
  return task;
}
