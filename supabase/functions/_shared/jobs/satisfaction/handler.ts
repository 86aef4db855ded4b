/**
 * The `satisfaction_sms` job: after a completed call (when the business opted in), one text asks
 * the caller to rate it 1-5, through Twilio's Messages API with the official SDK (the REST base is
 * configurable, so the local stack and tests use a stand-in). The database decides who may be
 * texted; a survey is sent at most once.
 */
import twilio from 'twilio';
import type { JobHandler } from '../context.ts';
import { PermanentJobError, TransientJobError } from '../errors.ts';

export const SURVEY_TEXT = 'Thanks for calling. How did we do? Reply with a number from 1 (poor) to 5 (great).';

export const sendSatisfactionSurvey: JobHandler = async (job, deps) => {
  const conversationId = String(job.payload.conversation_id ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(conversationId)) throw new PermanentJobError('payload has no conversation_id');
  const [{ survey }] = await deps.sql`select to_jsonb(public.satisfaction_survey_to_send(${conversationId}::uuid)) as survey`;
  if (!survey || !survey.phone_number) return { sent: false, reason: 'already sent, or the number may not be texted' };
  const outbound = deps.config.outbound;
  if (!outbound) {
    deps.log.warn('satisfaction text not sent: Twilio is not configured', { job_id: job.id });
    return { sent: false, reason: 'Twilio not configured' };
  }
  const client = twilio(outbound.accountSid, outbound.authToken, { autoRetry: false });
  // The SDK has no base URL option; its Api domain keeps the base in `baseUrl`.
  if (outbound.apiBaseUrl) (client.api as unknown as { baseUrl: string }).baseUrl = outbound.apiBaseUrl;
  let sid: string;
  try {
    ({ sid } = await client.messages.create({ to: survey.phone_number, from: outbound.fromNumber, body: SURVEY_TEXT }));
  } catch (err) {
    const e = err as { status?: unknown };
    const what = `Twilio refused the text (status ${typeof e.status === 'number' ? e.status : 'none'})`;
    if (typeof e.status === 'number' && e.status !== 429 && e.status < 500) throw new PermanentJobError(what);
    throw new TransientJobError(what);
  }
  await deps.sql`select public.mark_satisfaction_survey_sent(${conversationId}::uuid, ${sid})`;
  return { sent: true, message_sid: sid };
};
