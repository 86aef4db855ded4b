/** Callbacks and other scheduled tasks: list, reschedule, cancel, mark done (under RLS). */
import type { Tx } from '../db.ts';

export const TASK_STATUSES = ['pending', 'in_progress', 'done', 'cancelled', 'failed'] as const;
export const TASK_TYPES = ['callback', 'follow_up', 'message'] as const;

export interface TaskRow {
  id: string;
  task_type: string;
  scheduled_for: Date;
  phone_number: string | null;
  notes: string | null;
  status: string;
  attempts: number;
  max_attempts: number;
  assigned_to: string | null;
  assignee_name: string | null;
  customer_id: string | null;
  customer_name: string | null;
  conversation_id: string | null;
  /** Open and its time has come (within the last hour). */
  due: boolean;
  /** Open and more than an hour past its time. */
  overdue: boolean;
  outcome: string | null;
  completed_by_name: string | null;
  completed_at: Date | null;
}

export const TASK_OUTCOMES = ['reached', 'left_voicemail', 'no_answer', 'wrong_number', 'not_interested', 'won'] as const;

export interface TaskFilters {
  status: string;
  type: string;
}

export function taskFilters(params: URLSearchParams): TaskFilters {
  const status = params.get('status') ?? 'pending';
  const type = params.get('type') ?? '';
  return {
    status: status === 'all' || (TASK_STATUSES as readonly string[]).includes(status) ? status : 'pending',
    type: (TASK_TYPES as readonly string[]).includes(type) ? type : '',
  };
}

/** How long past its time an open task is "due" before it is "overdue". */
const OVERDUE_AFTER = '1 hour';

/** Tasks, soonest first for open ones and newest first for closed ones. */
export function listTasks(tx: Tx, f: TaskFilters): Promise<TaskRow[]> {
  return tx<TaskRow[]>`
    select t.id, t.task_type, t.scheduled_for, coalesce(t.phone_number, cu.phone_number) as phone_number,
           t.notes, t.status, t.attempts, t.max_attempts, t.assigned_to, tm.name as assignee_name,
           t.customer_id, cu.name as customer_name, t.conversation_id,
           -- A message is for a person to read: due from the start, never overdue.
           (t.status in ('pending', 'failed') and t.scheduled_for <= now()
             and (t.task_type = 'message' or t.scheduled_for >= now() - ${OVERDUE_AFTER}::interval)) as due,
           (t.status in ('pending', 'failed') and t.task_type <> 'message' and t.scheduled_for < now() - ${OVERDUE_AFTER}::interval) as overdue,
           t.outcome, cb.name as completed_by_name, t.completed_at
    from public.scheduled_tasks t
    left join public.customers cu on cu.id = t.customer_id
    left join public.team_members tm on tm.user_id = t.assigned_to
    left join public.team_members cb on cb.user_id = t.completed_by
    where true
    ${f.status !== 'all' ? tx`and t.status = ${f.status}` : tx``}
    ${f.type ? tx`and t.task_type = ${f.type}` : tx``}
    order by case when t.status in ('pending', 'in_progress') then t.scheduled_for end asc nulls last,
             t.scheduled_for desc
    limit 200
  `;
}

/**
 * Move an open task to a new business-local time (`YYYY-MM-DDTHH:MM` in the business's time
 * zone); a failed task becomes pending again with its attempts reset. False if not movable.
 */
export async function rescheduleTask(tx: Tx, id: string, localDateTime: string): Promise<boolean> {
  const rows = await tx`
    update public.scheduled_tasks set
      scheduled_for = ${localDateTime}::timestamp at time zone public.business_timezone(),
      status = 'pending',
      attempts = case when status = 'failed' then 0 else attempts end
    where id = ${id} and status in ('pending', 'failed')
    returning id
  `;
  return rows.length === 1;
}

/** Close an open task as cancelled or done; false when it was not open. */
export async function closeTask(tx: Tx, id: string, status: 'cancelled' | 'done'): Promise<boolean> {
  const rows = await tx`
    update public.scheduled_tasks set status = ${status}
    where id = ${id} and status in ('pending', 'in_progress', 'failed')
    returning id
  `;
  return rows.length === 1;
}

/** Whether a business-local `YYYY-MM-DDTHH:MM` is in the future. */
export async function isFutureLocal(tx: Tx, localDateTime: string): Promise<boolean> {
  const [row] = await tx<{ future: boolean }[]>`
    select (${localDateTime}::timestamp at time zone public.business_timezone()) > now() as future
  `;
  return row.future;
}

/** Mark an open task done with what came of it (the database records who and when). */
export async function completeTask(tx: Tx, id: string, outcome: string): Promise<boolean> {
  const [row] = await tx<{ id: string | null }[]>`select (public.complete_task(${id}::uuid, ${outcome})).id`;
  return row.id !== null;
}

/** Take an open task: it becomes the signed-in member's. */
export async function assignTaskTo(tx: Tx, id: string, userId: string): Promise<boolean> {
  const rows = await tx`
    update public.scheduled_tasks set assigned_to = ${userId}
    where id = ${id} and status in ('pending', 'in_progress', 'failed') returning id`;
  return rows.length === 1;
}

/** A pending or failed callback due now: the callback worker dials it within the minute. */
export async function callTaskNow(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx`
    update public.scheduled_tasks set scheduled_for = now(), status = 'pending',
      attempts = case when status = 'failed' then 0 else attempts end
    where id = ${id} and task_type = 'callback' and status in ('pending', 'failed') returning id`;
  return rows.length === 1;
}
