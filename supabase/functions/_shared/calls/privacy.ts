/**
 * The privacy steps of a turn that the call flow answers itself, before the brain and whatever
 * provider it runs: the caller's answer to the recording question (ask mode), and a request to
 * delete their data or not to be called. Each answer is spoken from what the database committed.
 */
import type { Runtime } from '../runtime/runtime.ts';
import type { TurnContext, TurnResult } from '../brain/types.ts';
import { consentAnswer } from '../compliance/consent.ts';
import { callLanguage, notice, type NoticeKey } from '../compliance/notices.ts';
import { privacyRequest } from '../compliance/requests.ts';
import { store, type TurnSnapshot } from './store.ts';

export interface PrivacyStep {
  /** The whole turn, when the step answered it (the brain is not asked). */
  result?: TurnResult;
  /** Said before the brain's reply otherwise. */
  prefix?: string;
}

function answered(ctx: TurnContext, key: NoticeKey, language: string, intent: string): TurnResult {
  return {
    reply: notice(key, language),
    actions: {},
    state: ctx.state,
    meta: { provider: 'privacy', latency_ms: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [], intent },
  };
}

export async function privacyStep(rt: Runtime, snap: TurnSnapshot, ctx: TurnContext, isEvent: boolean): Promise<PrivacyStep> {
  if (isEvent) return {};
  const said = ctx.input.kind === 'speech' ? ctx.input.text : undefined;
  const language = callLanguage(ctx.state, ctx.config.language, said);

  if (ctx.config.recording_mode === 'ask' && !snap.conversation.recording_consent) {
    // Only a plain yes is consent: anything else, silence included, leaves the call unrecorded.
    const answer = consentAnswer(said);
    const stored = await store.recordConsent(rt.sql, ctx.callSid, answer ?? 'declined');
    if (answer) {
      return { result: answered(ctx, stored.consent === 'given' ? 'recordingYes' : 'recordingNo', language, 'recording_consent') };
    }
    const step = await privacyStep(rt, { ...snap, conversation: { ...snap.conversation, recording_consent: 'declined' } },
      ctx, false);
    return step.result ? step : { prefix: notice('recordingOff', language) };
  }

  const request = privacyRequest(said);
  if (!request) return {};
  const done = await store.recordPrivacyRequest(rt.sql, ctx.callSid, request);
  if (request === 'erasure') {
    return { result: answered(ctx, done.ok ? 'deletionRequested' : 'deletionUnknown', language, 'data_deletion') };
  }
  return { result: answered(ctx, 'doNotCall', language, 'do_not_call') };
}
