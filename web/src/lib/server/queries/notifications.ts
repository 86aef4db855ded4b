/**
 * Notifications the work after the call leaves for the team (new leads, unanswered escalations,
 * messages, failed callbacks, reports, alerts), and the job queue's dead letters.
 * Both tables come with the job-queue migrations; without them these pages say so.
 */
import type { Tx } from '../db.ts';

export const NOTIFICATION_KINDS = ['call_summary', 'new_lead', 'unanswered_escalation', 'message_left', 'callback_failed', 'daily_report', 'alert'] as const;

export interface NotificationRow {
  id: string;
  kind: string;
  subject: string;
  body: string;
  status: string;
  error: string | null;
  created_at: Date;
  read_at: Date | null;
  read_by_name: string | null;
  conversation_id: string | null;
  customer_id: string | null;
}

export async function tableExists(tx: Tx, name: 'notifications' | 'jobs'): Promise<boolean> {
  const [row] = await tx<{ ok: boolean }[]>`select to_regclass(${`public.${name}`}) is not null as ok`;
  return row.ok;
}

export async function unreadCount(tx: Tx): Promise<number | null> {
  if (!(await tableExists(tx, 'notifications'))) return null;
  const [row] = await tx<{ n: number }[]>`select count(*)::int8 as n from public.notifications where read_at is null`;
  return row.n;
}

export function listNotifications(tx: Tx, f: { unread: boolean; kind: string }): Promise<NotificationRow[]> {
  return tx<NotificationRow[]>`
    select n.id, n.kind, n.subject, n.body, n.status, n.error, n.created_at, n.read_at, tm.name as read_by_name,
           n.conversation_id, n.customer_id
    from public.notifications n left join public.team_members tm on tm.user_id = n.read_by
    where true
    ${f.unread ? tx`and n.read_at is null` : tx``}
    ${f.kind ? tx`and n.kind = ${f.kind}` : tx``}
    order by n.created_at desc
    limit 100
  `;
}

/** Mark read (the database function records who); false for an unknown id. */
export async function markRead(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx`select id from public.mark_notification_read(${id}::uuid)`;
  return rows.length === 1;
}

export interface JobCount {
  kind: string;
  queued: number;
  running: number;
  done: number;
  dead: number;
  oldest_due_at: Date | null;
}

export interface DeadJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  attempts: number;
  max_attempts: number;
  last_error: string | null;
  updated_at: Date;
}

export function jobCounts(tx: Tx): Promise<JobCount[]> {
  return tx<JobCount[]>`select kind, queued, running, done, dead, oldest_due_at from public.job_counts order by kind`;
}

export function deadJobs(tx: Tx): Promise<DeadJob[]> {
  return tx<DeadJob[]>`
    select id, kind, payload, attempts, max_attempts, last_error, updated_at
    from public.jobs where state = 'dead' order by updated_at desc limit 100
  `;
}

/** Queue a dead job again (the database allows admins only). */
export async function retryJob(tx: Tx, id: number): Promise<void> {
  await tx`select id from public.retry_job(${id}::int8)`;
}
