/**
 * Notifications about one call, one lead or one task, composed from the database as it is when
 * the job runs. `null` means there is nothing to tell (a transfer that was answered after all);
 * a `Snooze` means not yet (the lead's call is still going).
 */
import type { Sql } from '../../runtime/runtime.ts';
import { PermanentJobError, Snooze } from '../errors.ts';
import { fieldLines, localTime, outcomeWords, sentimentWords, who } from './format.ts';

export interface Composed {
  subject: string;
  body: string;
  conversationId?: string | null;
  customerId?: string | null;
}

const tzOf = async (sql: Sql) => (await sql<{ tz: string }[]>`select public.business_timezone() as tz`)[0].tz;

async function conversation(sql: Sql, id: unknown) {
  const [row] = await sql`select c.*, to_jsonb(cu) as customer,
      (select t.name from public.team_members t where t.phone = c.transferred_to limit 1) as member
    from public.conversations c left join public.customers cu on cu.id = c.customer_id
    where c.id = ${String(id)}::uuid`;
  if (!row) throw new PermanentJobError('unknown conversation');
  return row;
}

export async function callSummary(sql: Sql, p: Record<string, unknown>): Promise<Composed> {
  const c = await conversation(sql, p.conversation_id);
  const tz = await tzOf(sql);
  const caller = who(c.customer, c.direction === 'outbound' ? c.to_number : c.from_number);
  return {
    subject: `Call ${c.direction === 'outbound' ? 'to' : 'from'} ${caller}: ${outcomeWords(c.outcome)}`,
    body: [
      c.summary ?? 'No summary.',
      '',
      fieldLines([
        ['Started', localTime(c.started_at, tz)],
        ['Duration', c.duration_seconds != null ? `${c.duration_seconds} s` : null],
        ['Outcome', outcomeWords(c.outcome)],
        ['Sentiment', sentimentWords(c.sentiment_score)],
        ['Lead score', c.lead_score],
      ]),
    ].join('\n'),
    conversationId: c.id,
    customerId: c.customer_id,
  };
}

export async function newLead(sql: Sql, p: Record<string, unknown>): Promise<Composed | Snooze> {
  const [cu] = await sql`select cu.*, (select c.id from public.conversations c where c.customer_id = cu.id
      and c.ended_at is null and c.started_at > now() - interval '2 hours' limit 1) as live_call,
      (select c.id from public.conversations c where c.customer_id = cu.id order by c.started_at desc limit 1) as last_call
    from public.customers cu where cu.id = ${String(p.customer_id)}::uuid`;
  if (!cu) throw new PermanentJobError('unknown customer');
  if (cu.live_call) return new Snooze(60, 'the lead is still on the call');
  return {
    subject: `New lead: ${who(cu)}`,
    body: fieldLines([
      ['Name', cu.name],
      ['Company', cu.company],
      ['Email', cu.email],
      ['Phone', cu.phone_number],
      ['Needs', cu.need],
      ['Timeline', cu.timeline],
      ['Lead score', cu.lead_score],
    ]),
    conversationId: cu.last_call,
    customerId: cu.id,
  };
}

export async function unansweredEscalation(sql: Sql, p: Record<string, unknown>): Promise<Composed | null> {
  const c = await conversation(sql, p.conversation_id);
  if (['completed', 'answered'].includes(c.transfer_status)) return null;
  const caller = who(c.customer, c.from_number);
  return {
    subject: `Nobody answered a transfer: ${caller}`,
    body: [
      `${caller} asked for a person and the transfer ${c.member ? `to ${c.member} ` : ''}was not answered` +
      ` (${c.transfer_status ?? 'the caller hung up'}). Please call them back.`,
      '',
      fieldLines([['Phone', c.customer?.phone_number ?? c.from_number], ['Summary', c.summary]]),
    ].join('\n'),
    conversationId: c.id,
    customerId: c.customer_id,
  };
}

async function task(sql: Sql, id: unknown) {
  const [t] = await sql`select t.*, to_jsonb(cu) as customer, m.name as assignee, a.id as config_id,
      public.is_within_business_hours(a, t.created_at) as in_hours
    from public.scheduled_tasks t left join public.customers cu on cu.id = t.customer_id
    left join public.team_members m on m.user_id = t.assigned_to
    left join public.agent_configs a on a.is_active
    where t.id = ${String(id)}::uuid`;
  if (!t) throw new PermanentJobError('unknown task');
  return t;
}

export async function messageLeft(sql: Sql, p: Record<string, unknown>): Promise<Composed> {
  const t = await task(sql, p.task_id);
  const caller = who(t.customer, t.phone_number);
  return {
    subject: `Message${t.in_hours === false ? ' after hours' : ''} from ${caller}`,
    body: [
      t.notes ?? '(no message text)',
      '',
      fieldLines([['Phone', t.phone_number], ['For', t.assignee], [
        'Left',
        localTime(t.created_at, await tzOf(sql)),
      ]]),
    ].join('\n'),
    conversationId: t.conversation_id,
    customerId: t.customer_id,
  };
}

export async function callbackFailed(sql: Sql, p: Record<string, unknown>): Promise<Composed> {
  const t = await task(sql, p.task_id);
  const caller = who(t.customer, t.phone_number);
  return {
    subject: `Callback not reached: ${caller}`,
    body: [
      p.reason === 'not_configured'
        ? `The agent could not call ${caller} back: outbound calling is not configured. Please call them.`
        : p.reason === 'do_not_call'
        ? `The callback to ${caller} was cancelled: the number is on the do-not-call list.`
        : `The agent tried to call ${caller} back ${t.attempts} time(s) without reaching them.`,
      '',
      fieldLines([['Phone', t.phone_number], ['Notes', t.notes], ['Assigned to', t.assignee]]),
    ].join('\n'),
    conversationId: t.conversation_id,
    customerId: t.customer_id,
  };
}
