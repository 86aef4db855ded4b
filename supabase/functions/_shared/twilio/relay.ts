/**
 * Twilio ConversationRelay's WebSocket messages, both ways, and the `<Connect><ConversationRelay>`
 * TwiML. The only module that knows their shapes: anything malformed or unknown becomes
 * `{ type: 'ignored' }` with a reason that never quotes the message (it may hold caller words).
 */
import { escapeXml } from './twiml.ts';

export type RelayInbound =
  | { type: 'setup'; sessionId: string; callSid: string; from: string; to: string; direction: string;
    customParameters: Record<string, string> }
  | { type: 'prompt'; voicePrompt: string; lang: string | null; last: boolean }
  | { type: 'dtmf'; digit: string }
  | { type: 'interrupt'; utteranceUntilInterrupt: string; durationUntilInterruptMs: number | null }
  | { type: 'error'; description: string }
  | { type: 'ignored'; reason: string };

const MAX_MESSAGE_CHARS = 64_000;
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** Parses one text frame from Twilio. */
export function parseRelayMessage(raw: unknown): RelayInbound {
  if (typeof raw !== 'string') return { type: 'ignored', reason: 'binary frame' };
  if (raw.length > MAX_MESSAGE_CHARS) return { type: 'ignored', reason: 'message too large' };
  let m: Record<string, unknown>;
  try {
    const v = JSON.parse(raw);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return { type: 'ignored', reason: 'not a JSON object' };
    m = v as Record<string, unknown>;
  } catch {
    return { type: 'ignored', reason: 'not JSON' };
  }
  switch (m.type) {
    case 'setup': {
      const callSid = str(m.callSid);
      if (!callSid || !/^CA[0-9a-zA-Z]{32}$/.test(callSid)) return { type: 'ignored', reason: 'setup without a valid callSid' };
      const params: Record<string, string> = {};
      if (m.customParameters && typeof m.customParameters === 'object') {
        for (const [k, v] of Object.entries(m.customParameters as Record<string, unknown>)) {
          if (typeof v === 'string') params[k] = v;
        }
      }
      return { type: 'setup', sessionId: str(m.sessionId) ?? '', callSid, from: str(m.from) ?? '', to: str(m.to) ?? '',
        direction: str(m.direction) ?? 'inbound', customParameters: params };
    }
    case 'prompt': {
      const text = str(m.voicePrompt);
      if (text === null) return { type: 'ignored', reason: 'prompt without voicePrompt' };
      return { type: 'prompt', voicePrompt: text, lang: str(m.lang), last: m.last !== false };
    }
    case 'dtmf': {
      const digit = str(m.digit);
      if (!digit || !/^[0-9*#A-D]$/.test(digit)) return { type: 'ignored', reason: 'dtmf without a valid digit' };
      return { type: 'dtmf', digit };
    }
    case 'interrupt': {
      // The duration has arrived both as a number and as a string.
      const d = Number(m.durationUntilInterruptMs);
      return { type: 'interrupt', utteranceUntilInterrupt: str(m.utteranceUntilInterrupt) ?? '',
        durationUntilInterruptMs: Number.isFinite(d) && d >= 0 ? d : null };
    }
    case 'error':
      return { type: 'error', description: str(m.description) ?? '' };
    default:
      return { type: 'ignored', reason: typeof m.type === 'string' ? 'unknown message type' : 'message without a type' };
  }
}

/** What we send Twilio. `end.handoffData` is a string: Twilio posts it to the action URL as HandoffData. */
export const relayOut = {
  text: (token: string, last: boolean, lang?: string) => JSON.stringify({ type: 'text', token, last, ...(lang ? { lang } : {}) }),
  end: (handoffData: Record<string, unknown>) => JSON.stringify({ type: 'end', handoffData: JSON.stringify(handoffData) }),
  language: (ttsLanguage: string, transcriptionLanguage: string) =>
    JSON.stringify({ type: 'language', ttsLanguage, transcriptionLanguage }),
  sendDigits: (digits: string) => JSON.stringify({ type: 'sendDigits', digits }),
};

export interface RelayTwimlOptions {
  /** The `<Connect action>`: requested when the session ends, with HandoffData. */
  action: string;
  /** wss:// URL of the twilio-relay function. */
  url: string;
  welcomeGreeting?: string;
  language: string;
  voice?: string;
  ttsProvider?: string;
  transcriptionProvider?: string;
  speechModel?: string;
  interruptible?: 'none' | 'dtmf' | 'speech' | 'any';
  dtmfDetection?: boolean;
  hints?: string;
  /** Other languages the session may switch to (`<Language code voice ttsProvider .../>`). */
  languages?: { code: string; voice?: string; ttsProvider?: string; transcriptionProvider?: string; speechModel?: string }[];
  parameters?: Record<string, string>;
}

/** `<Connect action><ConversationRelay ...><Parameter/>...</ConversationRelay></Connect>` (attributes as twilio-node names them). */
export function connectRelay(o: RelayTwimlOptions): string {
  const attrs: [string, string | boolean | undefined][] = [
    ['url', o.url], ['welcomeGreeting', o.welcomeGreeting || undefined], ['language', o.language], ['voice', o.voice],
    ['ttsProvider', o.ttsProvider], ['transcriptionProvider', o.transcriptionProvider], ['speechModel', o.speechModel],
    ['interruptible', o.interruptible ?? 'any'], ['dtmfDetection', o.dtmfDetection ?? true], ['hints', o.hints || undefined],
  ];
  const rendered = attrs.filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`).join('');
  const languages = (o.languages ?? []).map((l) => {
    const a = Object.entries(l).filter(([, v]) => typeof v === 'string' && v).map(([k, v]) => ` ${k}="${escapeXml(v as string)}"`);
    return `<Language${a.join('')}/>`;
  }).join('');
  const params = languages + Object.entries(o.parameters ?? {})
    .map(([k, v]) => `<Parameter name="${escapeXml(k)}" value="${escapeXml(v)}"/>`).join('');
  return `<Connect action="${escapeXml(o.action)}" method="POST"><ConversationRelay${rendered}>${params}</ConversationRelay></Connect>`;
}

/** The wss URL Twilio connects to for a functions base of http(s)://host/functions/v1. */
export function relaySocketUrl(publicFunctionsUrl: string, query: Record<string, string> = {}): string {
  const u = new URL(`${publicFunctionsUrl}/twilio-relay`);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}
