/**
 * The `notify` job: compose the notification, keep it in the notifications table (once per job),
 * and email it when Mailgun is configured and the team wants this kind by email.
 */
import type { Sql } from '../../runtime/runtime.ts';
import type { JobHandler } from '../context.ts';
import { errorText, isRetryable, PermanentJobError, Snooze } from '../errors.ts';
import {
  callbackFailed,
  callSummary,
  type Composed,
  messageLeft,
  newLead,
  unansweredEscalation,
} from './compose_call.ts';
import { alert, dailyReport } from './compose_report.ts';

export type NotificationKind =
  | 'call_summary'
  | 'new_lead'
  | 'unanswered_escalation'
  | 'message_left'
  | 'callback_failed'
  | 'daily_report'
  | 'alert';

type Composer = (sql: Sql, p: Record<string, unknown>) => Promise<Composed | Snooze | null> | Composed;

const COMPOSERS: Record<NotificationKind, Composer> = {
  call_summary: callSummary,
  new_lead: newLead,
  unanswered_escalation: unansweredEscalation,
  message_left: messageLeft,
  callback_failed: callbackFailed,
  daily_report: dailyReport,
  alert: (_sql, p) => alert(p),
};

export const notify: JobHandler = async (job, deps) => {
  const kind = job.payload.kind as NotificationKind;
  const compose = COMPOSERS[kind];
  if (!compose) throw new PermanentJobError('unknown notification kind');
  const composed = await compose(deps.sql, job.payload);
  if (composed instanceof Snooze) return composed;
  if (composed === null) return { skipped: 'nothing to tell' };

  const sql = deps.sql;
  const [{ recipients, email_kinds }] = await sql<{ recipients: string[]; email_kinds: string[] }[]>`
    select public.notification_recipients() as recipients, s.email_kinds from public.automation_settings s`;
  const [n] = await sql<{ id: string; status: string }[]>`select id, status from public.upsert_notification(
      ${job.dedupe_key ?? `job:${job.id}`}, ${kind}, ${composed.subject}, ${composed.body}, ${recipients},
      ${composed.conversationId ?? null}, ${composed.customerId ?? null})`;
  if (n.status === 'sent' || n.status === 'stored') return { notification_id: n.id, status: n.status };

  if (!deps.mailer || !email_kinds.includes(kind) || recipients.length === 0) {
    await sql`update public.notifications set status = 'stored' where id = ${n.id}`;
    return { notification_id: n.id, status: 'stored' };
  }
  try {
    const sent = await deps.mailer.send({
      to: recipients,
      subject: composed.subject,
      text: composed.body,
      tags: [kind],
      notificationId: n.id,
    });
    await sql`update public.notifications set status = 'sent', provider_message_id = ${sent.id}, sent_at = now(),
      error = null where id = ${n.id}`;
    return { notification_id: n.id, status: 'sent' };
  } catch (err) {
    const last = !isRetryable(err) || job.attempts >= job.max_attempts;
    await sql`update public.notifications set error = ${errorText(err)}, status = ${
      last ? 'failed' : 'pending'
    }
      where id = ${n.id}`;
    throw err;
  }
};
