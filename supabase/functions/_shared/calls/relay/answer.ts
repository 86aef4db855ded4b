/** The TwiML that puts a call on ConversationRelay: a new call, a resumed session, a reply then relay. */
import type { Runtime } from '../../runtime/runtime.ts';
import type { AgentConfig } from '../../brain/types.ts';
import { connectRelay, relaySocketUrl } from '../../twilio/relay.ts';
import { document } from '../../twilio/twiml.ts';
import { store } from '../store.ts';

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const INTERRUPTIBLE = new Set(['none', 'dtmf', 'speech', 'any']);

/** The `<Connect action>` URL: where Twilio goes when the session ends. */
export function relayActionUrl(publicBase: string): string {
  return `${publicBase}/twilio-relay/action`;
}

/**
 * `<Connect><ConversationRelay>` from the agent config: language, text-to-speech (relay_settings,
 * else the config's Polly voice through Amazon), transcription, interruptible, DTMF, hints.
 * `greeting` is spoken first by Twilio (a new call's greeting, or a reply that ends a gather turn);
 * a resumed session has none.
 */
export function relayTwiml(
  publicBase: string,
  agent: AgentConfig,
  opts: { greeting?: string; hints?: string; resume?: boolean },
): string {
  const s = agent.relay_settings ?? {};
  const polly = /^Polly\.(.+)$/.exec(agent.voice ?? '');
  const voice = str(s.voice) ?? (polly ? polly[1] : undefined);
  const ttsProvider = str(s.ttsProvider) ?? (polly && !str(s.voice) ? 'Amazon' : undefined);
  const interruptible = str(s.interruptible);
  return document(connectRelay({
    action: relayActionUrl(publicBase),
    url: relaySocketUrl(publicBase),
    welcomeGreeting: opts.greeting,
    language: agent.language,
    voice,
    ttsProvider,
    transcriptionProvider: str(s.transcriptionProvider),
    speechModel: str(s.speechModel),
    interruptible: interruptible && INTERRUPTIBLE.has(interruptible) ? interruptible as 'any' : 'any',
    dtmfDetection: true,
    hints: opts.hints,
    languages: relayLanguages(agent),
    parameters: opts.resume ? { resume: '1' } : {},
  }));
}

const LANGUAGE_TAG = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** relay_settings.languages: other languages callers may speak, e.g. [{ "code": "es-US", "voice": "Lupe-Neural" }]. */
export function relayLanguages(agent: AgentConfig): { code: string; voice?: string; ttsProvider?: string }[] {
  const list = (agent.relay_settings ?? {}).languages;
  if (!Array.isArray(list)) return [];
  return list.filter((l) => l && typeof l === 'object' && LANGUAGE_TAG.test(String((l as { code?: unknown }).code)))
    .map((l) => {
      const { code, voice, ttsProvider } = l as Record<string, unknown>;
      return { code: String(code), voice: str(voice), ttsProvider: str(ttsProvider) };
    })
    .filter((l) => l.code !== agent.language);
}

const HINTS_TTL_MS = 60_000;
const cache = new WeakMap<Runtime, { at: number; hints: string }>();

/**
 * Words speech recognition should expect: the knowledge base's product words (article tags) and
 * the team's first names. Read at most once a minute per process; '' when the read fails.
 */
export async function relayHints(rt: Runtime): Promise<string> {
  const hit = cache.get(rt);
  if (hit && performance.now() - hit.at < HINTS_TTL_MS) return hit.hints;
  let hints = '';
  try {
    hints = await store.speechHints(rt.sql);
  } catch (err) {
    rt.log.warn('speech hints not read', { error: (err as Error)?.name });
  }
  cache.set(rt, { at: performance.now(), hints });
  return hints;
}
