/** A new call: open the conversation, greet (by name for a returning caller), and listen. */
import type { Runtime } from '../runtime/runtime.ts';
import { type AgentConfig, type Customer, VOICE_MODES, type VoiceMode } from '../brain/types.ts';
import { relayHints, relayTwiml } from './relay/answer.ts';
import { store } from './store.ts';
import { listen } from './render.ts';
import { webhookUrls } from './urls.ts';
import type { WebhookRequest } from './webhook.ts';
import { callbackGreeting } from '../jobs/callbacks/greeting.ts';
import { campaignGreeting } from './campaign.ts';
import { withDisclosures } from '../compliance/greeting.ts';
import { realtimeKey } from './realtime/link.ts';
import { streamTwiml } from './realtime/twiml.ts';

/** The greeting for this caller: the returning greeting with their first name when we know it. */
export function greetingFor(agent: AgentConfig, customer: Customer | null, returning: boolean): string {
  const firstName = customer?.name?.trim().split(/\s+/)[0];
  if (returning && firstName) return agent.returning_greeting.replaceAll('{name}', firstName);
  return agent.greeting;
}

export async function answerCall(rt: Runtime, w: WebhookRequest): Promise<string> {
  const { params } = w;
  const started = await store.startCall(rt.sql, params.callSid, params.from, params.to,
    params.direction.startsWith('outbound') ? 'outbound' : 'inbound');
  rt.lastKnown.agent = started.config;
  rt.lastKnown.team = started.team;
  // A callback the worker placed: its Voice URL names the task, so the agent says why it calls.
  const outbound = params.direction.startsWith('outbound');
  const callbackId = outbound ? w.query.get('callback') : null;
  const leadId = outbound ? w.query.get('campaign_lead') : null;
  // Twilio retries a voice webhook it got no answer to in time: the call is already open, so the
  // retry replays the greeting stored the first time (the config or the caller's record may have
  // changed since) and stores nothing again.
  const stored = started.created ? null : await store.storedGreeting(rt.sql, params.callSid);
  let greeting = stored ?? withDisclosures((callbackId &&
    await callbackGreeting(rt.sql, started.config, callbackId, params.callSid)) ||
    (leadId && await campaignGreeting(rt.sql, started.config, started.customer, leadId, params.callSid)) ||
    greetingFor(started.config, started.customer, started.returning), started.config);
  if (stored === null) {
    // A retry racing the first request may find its greeting stored first: say that one.
    if (!(await store.recordGreeting(rt.sql, params.callSid, greeting)) && !started.created) {
      greeting = await store.storedGreeting(rt.sql, params.callSid) ?? greeting;
    }
    // Announced: the announcement is the condition, and it has just been said.
    if (started.config.recording_mode === 'announce') await store.recordConsent(rt.sql, params.callSid, 'announced');
  }
  const urls = webhookUrls(rt.config.publicFunctionsUrl);
  const mode = voiceModeFor(started.config, w.query);
  if (mode === 'realtime') {
    // The month's AI budget spent: relay's turns then run on the offline engine (see budget.ts).
    const reason = !realtimeKey(rt.config.env) ? 'no OpenAI key'
      : await rt.budget.exhausted(started.config.id) ? 'AI budget spent' : null;
    if (!reason) return streamTwiml(urls, false);
    rt.log.warn('realtime voice unavailable; the call continues in relay mode', { call_sid: params.callSid, reason });
    await store.recordStreamHandoff(rt.sql, params.callSid, 'fallback', reason);
  }
  if (mode !== 'gather') {
    return relayTwiml(rt.config.publicFunctionsUrl, started.config, { greeting, hints: await relayHints(rt) });
  }
  return listen(greeting, 1, started.config, urls);
}

/**
 * The voice mode of a new call: the number's Voice URL may pin one (`?mode=realtime`, signed with
 * the request), else the agent config's. Asking for recording consent runs in the gather turn
 * (its yes/no step), so those calls stay turn by turn. A realtime call without its key, or whose
 * Realtime session fails, continues in relay mode.
 */
export function voiceModeFor(agent: AgentConfig, query: URLSearchParams): VoiceMode {
  if (agent.recording_mode === 'ask') return 'gather';
  const pinned = query.get('mode');
  return (VOICE_MODES as readonly string[]).includes(pinned ?? '') ? pinned as VoiceMode : agent.voice_mode ?? 'gather';
}
