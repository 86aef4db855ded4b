/**
 * The `dial_campaign` job: places a running campaign's calls, one lead at a time, as
 * `claim_campaign_lead` allows (pace, concurrency, calling hours and the do-not-call list are
 * decided there). When nothing may be dialled now the job snoozes for the time SQL names, so it
 * never holds the worker; it completes when the campaign is finished or paused.
 */
import type { JobDeps, JobHandler } from '../context.ts';
import { errorText, PermanentJobError, Snooze } from '../errors.ts';

/** Most calls one run places before it yields the worker to other jobs. */
const CALLS_PER_RUN = 20;

type Claim =
  | { state: 'dial'; lead: { id: string; phone_number: string; attempt: number } }
  | { state: 'wait'; seconds: number; reason: string }
  | { state: 'finished' | 'paused' | 'draft' };

/** Places one claimed lead's call; a refusal puts the lead back (or fails it) in SQL. */
async function placeLead(deps: JobDeps, lead: { id: string; phone_number: string; attempt: number }) {
  const outbound = deps.config.outbound!;
  const base = deps.config.publicFunctionsUrl;
  let sid: string;
  try {
    ({ sid } = await deps.calls!.place({
      to: lead.phone_number,
      from: outbound.fromNumber,
      // Campaign calls run in gather mode, pinned here (inbound calls stay on the config's mode,
      // relay by default): the answering-machine verdict arrives while the opening plays and
      // replaces the call's TwiML through the Calls API (the voicemail after the beep, or a
      // hang-up). Turn by turn there is no open ConversationRelay session whose silence prompts,
      // renewals and <Connect action> would race that update; the AMD path is built and tested so.
      url: `${base}/twilio-voice?mode=gather&campaign_lead=${lead.id}`,
      statusCallback: `${base}/twilio-status`,
      amdStatusCallback: `${base}/twilio-status/amd`,
    }));
  } catch (err) {
    const [{ state }] = await deps.sql`select public.release_campaign_lead(${lead.id}::uuid,
      ${err instanceof PermanentJobError}) as state`;
    deps.log.warn('campaign call not placed', { lead_id: lead.id, attempt: lead.attempt, lead_state: state,
      error: errorText(err) });
    return false;
  }
  try {
    await deps.sql`select public.record_campaign_call_placed(${lead.id}::uuid, ${sid}, ${outbound.fromNumber})`;
  } catch (err) {
    // The call is out: the lead stays 'calling' (never dialled again) and an admin is told.
    deps.log.error('campaign call placed but not recorded', { lead_id: lead.id, call_sid: sid, error: errorText(err) });
  }
  return true;
}

export const dialCampaign: JobHandler = async (job, deps) => {
  const campaignId = String(job.payload.campaign_id ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(campaignId)) throw new PermanentJobError('payload has no campaign_id');
  if (!deps.calls || !deps.config.outbound) {
    await deps.sql`update public.campaigns set status = 'paused' where id = ${campaignId}::uuid and status = 'running'`;
    deps.log.warn('campaign paused: outbound calling is not configured', { campaign_id: campaignId });
    return { placed: 0, reason: 'outbound calling not configured' };
  }
  let placed = 0;
  let failed = 0;
  for (let i = 0; i < CALLS_PER_RUN; i++) {
    const [{ claim }] = await deps.sql<{ claim: Claim }[]>`
      select public.claim_campaign_lead(${campaignId}::uuid) as claim`;
    if (claim.state === 'dial') {
      if (await placeLead(deps, claim.lead)) placed++;
      else failed++;
      continue;
    }
    if (claim.state === 'wait') return new Snooze(Math.max(0.2, claim.seconds), claim.reason);
    return { state: claim.state, placed, failed };
  }
  return new Snooze(0, 'yielding the worker');
};
