/** A new call: open the conversation, greet (by name for a returning caller), and listen. */
import type { Runtime } from '../runtime/runtime.ts';
import type { AgentConfig, Customer } from '../brain/types.ts';
import { store } from './store.ts';
import { listen } from './render.ts';
import { webhookUrls } from './urls.ts';
import type { WebhookRequest } from './webhook.ts';
import { callbackGreeting } from '../jobs/callbacks/greeting.ts';
import { withDisclosures } from '../compliance/greeting.ts';
import { realtimeKey } from './realtime/link.ts';
import { streamTwiml } from './realtime/twiml.ts';

export type VoiceMode = 'gather' | 'realtime';

/**
 * The call's voice mode: a `voice_mode` on the number's Voice URL (set where the number is
 * configured, and signed with the request), else the agent config's.
 */
export function voiceModeFor(w: WebhookRequest, agent: AgentConfig): VoiceMode {
  const asked = w.query.get('voice_mode') ?? (agent as { voice_mode?: string }).voice_mode;
  return asked === 'realtime' ? 'realtime' : 'gather';
}

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
  const callbackId = params.direction.startsWith('outbound') ? w.query.get('callback') : null;
  const greeting = withDisclosures((callbackId &&
    await callbackGreeting(rt.sql, started.config, started.customer, callbackId, params.callSid)) ||
    greetingFor(started.config, started.customer, started.returning), started.config);
  await store.recordGreeting(rt.sql, params.callSid, greeting);
  // Announced: the announcement is the condition, and it has just been said.
  if (started.config.recording_mode === 'announce') await store.recordConsent(rt.sql, params.callSid, 'announced');
  const urls = webhookUrls(rt.config.publicFunctionsUrl);
  if (voiceModeFor(w, started.config) === 'realtime') {
    if (realtimeKey(rt.config.env)) return streamTwiml(urls, false);
    rt.log.warn('realtime voice unavailable; the call continues in its fallback mode', { call_sid: params.callSid,
      reason: 'no OpenAI key' });
    await store.recordStreamHandoff(rt.sql, params.callSid, 'fallback', 'no OpenAI key');
  }
  return listen(greeting, 1, started.config, urls);
}
