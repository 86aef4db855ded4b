/** Every job kind and its handler: an explicit, typed registry (no lookups by module name). */
import type { JobHandler } from './context.ts';
import { analyseCallJob } from './analysis/handler.ts';
import { notify } from './notify/handler.ts';
import { crmSync } from './crm/handler.ts';
import { placeCallback } from './callbacks/handler.ts';
import { probe } from './probe.ts';
import { dialCampaign } from './campaigns/dialer.ts';
import { meetingInvite } from './meetings/invite.ts';
import { deleteRecording, startRecording } from './recordings/handler.ts';
import { sendSatisfactionSurvey } from './satisfaction/handler.ts';
import { closeIdleCall } from './idle/handler.ts';
import { reconcileTwilio } from './reconcile/handler.ts';

export const JOB_HANDLERS: Readonly<Record<string, JobHandler>> = Object.freeze({
  analyse_call: analyseCallJob,
  notify,
  crm_sync: crmSync,
  place_callback: placeCallback,
  dial_campaign: dialCampaign,
  meeting_invite: meetingInvite,
  start_recording: startRecording,
  delete_recording: deleteRecording,
  satisfaction_sms: sendSatisfactionSurvey,
  close_idle_call: closeIdleCall,
  reconcile_twilio: reconcileTwilio,
  probe,
});

export type JobKind = keyof typeof JOB_HANDLERS;
