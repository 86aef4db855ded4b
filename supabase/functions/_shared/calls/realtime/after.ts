/** The verb after </Connect>: Twilio asks what the call does now that its media stream closed. */
import type { Runtime } from '../../runtime/runtime.ts';
import type { WebhookRequest } from '../webhook.ts';
import { loadSnapshot } from '../turn.ts';
import { webhookUrls } from '../urls.ts';
import { afterStreamTwiml } from './twiml.ts';
import { relayHints } from '../relay/answer.ts';

export async function afterStream(rt: Runtime, w: WebhookRequest): Promise<string> {
  const snap = await loadSnapshot(rt, w.params.callSid);
  rt.lastKnown.agent = snap.config;
  rt.lastKnown.team = snap.team;
  const c = snap.conversation;
  return afterStreamTwiml({
    handoff: c.stream_handoff ?? null,
    lastTurn: c.last_turn,
    transferredTo: c.transferred_to,
    greeting: snap.history.find((h) => h.role === 'agent')?.content ?? null,
    agent: snap.config,
    businessNumber: w.params.to,
    callSid: w.params.callSid,
    relay: { publicBase: rt.config.publicFunctionsUrl, hints: c.stream_handoff?.next === 'fallback' ? await relayHints(rt) : '' },
  }, webhookUrls(rt.config.publicFunctionsUrl));
}
