/** The daily report of yesterday's calls and the operational alerts. */
import type { Sql } from '../../runtime/runtime.ts';
import { PermanentJobError } from '../errors.ts';
import type { Composed } from './compose_call.ts';
import { fieldLines, outcomeWords, who } from './format.ts';

/** Yesterday (the payload's day) rolled up again, with its leads and escalations listed. */
export async function dailyReport(sql: Sql, p: Record<string, unknown>): Promise<Composed> {
  const day = String(p.day ?? '');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new PermanentJobError('daily report without a valid day');
  const [a] = await sql`select * from public.refresh_call_analytics(${day}::date)`;
  const calls = await sql`select c.outcome, c.escalated, c.summary, c.from_number, c.to_number, c.direction,
      to_jsonb(cu) as customer
    from public.conversations c left join public.customers cu on cu.id = c.customer_id
    where c.started_at >= ${day}::date::timestamp at time zone public.business_timezone()
      and c.started_at < (${day}::date + 1)::timestamp at time zone public.business_timezone()
      and (c.escalated or c.outcome in ('lead_captured', 'callback_booked', 'message_taken'))
    order by c.started_at`;
  const notable = calls.map((c) =>
    `- ${who(c.customer, c.direction === 'outbound' ? c.to_number : c.from_number)}: ${
      outcomeWords(c.outcome)
    }` +
    (c.summary ? ` — ${String(c.summary).slice(0, 160)}` : '')
  );
  const resolvedShare = a.total_calls ? `${Math.round((a.resolved_calls / a.total_calls) * 100)} %` : null;
  return {
    subject: `Calls on ${day}: ${a.total_calls} call${
      a.total_calls === 1 ? '' : 's'
    }, ${a.escalations} escalated`,
    body: [
      fieldLines([
        ['Calls', a.total_calls],
        ['Resolved by the agent', resolvedShare ? `${a.resolved_calls} (${resolvedShare})` : 0],
        ['Escalations', a.escalations],
        ['Unique callers', a.unique_callers],
        ['Average duration', a.avg_duration_seconds != null ? `${a.avg_duration_seconds} s` : null],
        ['Average sentiment', a.avg_sentiment],
        ['AI cost', `$${Number(a.total_cost_usd).toFixed(2)}`],
      ]),
      ...(notable.length ? ['', 'Leads, callbacks, messages and escalations:', ...notable] : []),
    ].join('\n'),
  };
}

const ALERTS: Record<string, (p: Record<string, unknown>) => Composed> = {
  provider_failures: (p) => ({
    subject: `Alert: the AI provider failed ${p.turns} turns in a row`,
    body: `The last ${p.turns} turns were not answered by the first configured provider` +
      `${
        p.provider ? ` (${p.provider})` : ''
      }; the agent fell back to the next one. Check the provider's key, ` +
      `quota and status.`,
  }),
  escalation_rate: (p) => ({
    subject: `Alert: ${p.escalated} of ${p.calls} calls in the last hour were escalated`,
    body: `More than half of the last hour's calls went to a person. The agent may be failing a common ` +
      `question, or something is wrong for callers.`,
  }),
  claimed_number: (p) => ({
    subject: 'Check a call: a caller without caller ID gave an existing customer\'s number',
    body: 'A caller whose number was withheld said a number that belongs to an existing customer. The ' +
      'customer\'s record was not linked or changed; what the caller said is on the call. Check the call ' +
      'before trusting it, and update the customer yourself if it really was them.',
    conversationId: typeof p.conversation_id === 'string' ? p.conversation_id : undefined,
    customerId: typeof p.customer_id === 'string' ? p.customer_id : undefined,
  }),
  dead_job: (p) => ({
    subject: `Alert: a ${String(p.job_kind ?? 'background').replace(/[^a-z_]/g, '')} job failed for good`,
    body: `Job ${Number(p.job_id)} failed ${Number(p.attempts)} times and will not be tried again. ` +
      `Its last error is on the Jobs page, where an admin can retry it.`,
  }),
  monthly_budget: (p) => ({
    subject: `Alert: the monthly AI budget ($${p.budget_usd}) is spent`,
    body: `This month's AI cost has reached $${p.cost_usd}, the monthly budget of $${p.budget_usd}. Until the ` +
      `month ends or an admin raises the budget in Settings, the agent answers with its offline engine and ` +
      `calls are analysed offline: calls are still answered, leads and callbacks still taken.`,
  }),
  hourly_cost: (p) => ({
    subject: `Alert: AI cost of $${p.cost_usd} in the last hour`,
    body: `The last hour's AI cost ($${p.cost_usd}) is over the hourly budget ($${p.budget_usd}).`,
  }),
};

export function alert(p: Record<string, unknown>): Composed {
  const make = ALERTS[String(p.alert)];
  if (!make) throw new PermanentJobError('unknown alert');
  return make(p);
}
