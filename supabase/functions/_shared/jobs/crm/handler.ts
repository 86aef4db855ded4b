/**
 * The `crm_sync` job: a signed JSON POST of the lead (and the call's summary) to the team's CRM
 * webhook (HubSpot, Zapier, Make...). 2xx is done; 408, 429, 5xx and network failures are
 * retried with backoff; any other answer is dead at once (the receiver refuses this payload).
 * The delivery id is stable across retries so a receiver can drop duplicates.
 */
import type { JobHandler } from '../context.ts';
import { PermanentJobError, Snooze, TransientJobError } from '../errors.ts';
import { signatureHeader } from './sign.ts';

export const CRM_EVENTS = ['lead.captured', 'call.analysed'] as const;

export const crmSync: JobHandler = async (job, deps, stop) => {
  const event = String(job.payload.event ?? '');
  if (!(CRM_EVENTS as readonly string[]).includes(event)) throw new PermanentJobError('unknown CRM event');
  const crm = deps.config.crm;
  if (!crm) return { skipped: 'CRM webhook not configured' };
  const sql = deps.sql;
  const [settings] = await sql<{ crm_events: string[] }[]>`select crm_events from public.automation_settings`;
  if (!settings.crm_events.includes(event)) return { skipped: 'event not enabled' };

  const [row] = await sql`select to_jsonb(cu) as lead,
      (select to_jsonb(c) from public.conversations c
        where c.id = coalesce(${(job.payload.conversation_id as string) ?? null}::uuid,
          (select c2.id from public.conversations c2 where c2.customer_id = cu.id order by c2.started_at desc limit 1))
      ) as call
    from public.customers cu where cu.id = ${String(job.payload.customer_id ?? '')}::uuid`;
  if (!row) throw new PermanentJobError('unknown customer');
  if (
    event === 'lead.captured' && row.call && !row.call.ended_at &&
    Date.parse(row.call.started_at) > deps.now().getTime() - 2 * 3600_000
  ) {
    return new Snooze(60, 'the lead is still on the call');
  }

  const l = row.lead;
  const c = row.call;
  const body = JSON.stringify({
    id: job.dedupe_key ?? `job:${job.id}`,
    event,
    occurred_at: deps.now().toISOString(),
    lead: {
      id: l.id,
      name: l.name,
      company: l.company,
      email: l.email,
      phone: l.phone_number,
      need: l.need,
      timeline: l.timeline,
      lead_status: l.lead_status,
      lead_score: l.lead_score,
      sentiment_score: l.sentiment_score,
    },
    call: c &&
      {
        id: c.id,
        direction: c.direction,
        started_at: c.started_at,
        ended_at: c.ended_at,
        duration_seconds: c.duration_seconds,
        outcome: c.outcome,
        escalated: c.escalated,
        summary: c.summary,
        sentiment_score: c.sentiment_score,
        lead_score: c.lead_score,
      },
  });

  let res: Response;
  try {
    res = await deps.fetch(crm.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'LegacyAI-Voice-Webhook/1',
        'x-legacyai-event': event,
        'x-legacyai-delivery': job.dedupe_key ?? `job:${job.id}`,
        'x-legacyai-signature': await signatureHeader(crm.secret, body, deps.now()),
      },
      body,
      signal: stop ? AbortSignal.any([AbortSignal.timeout(crm.timeoutMs), stop]) : AbortSignal.timeout(crm.timeoutMs),
    });
    await res.body?.cancel();
  } catch (err) {
    throw new TransientJobError(`CRM webhook unreachable (${(err as Error)?.name ?? 'error'})`);
  }
  if (res.ok) return { delivered: true, status: res.status };
  if (res.status === 408 || res.status === 429 || res.status >= 500) {
    throw new TransientJobError(`CRM webhook answered ${res.status}`);
  }
  throw new PermanentJobError(`CRM webhook refused the payload (${res.status})`);
};
