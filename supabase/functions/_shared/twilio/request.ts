/**
 * The one place Twilio's form posts become typed values. Anything malformed becomes a
 * `BadTwilioRequest` with a reason, never an exception deep inside a handler.
 */

/** Twilio's own bodies are a few KB; anything much larger is not Twilio. */
export const MAX_BODY_BYTES = 64 * 1024;
const MAX_FIELD_CHARS = 8 * 1024;

export class BadTwilioRequest extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'BadTwilioRequest';
  }
}

/** A parsed webhook: every parameter in order (for the signature) plus typed accessors. */
export interface TwilioForm {
  pairs: [string, string][];
  get(name: string): string | undefined;
}

/** The fields of a voice webhook that the product uses. */
export interface VoiceParams {
  callSid: string;
  accountSid: string;
  from: string;
  to: string;
  callStatus: string;
  direction: string;
  speechResult?: string;
  confidence?: number;
  digits?: string;
  callDuration?: number;
  dialCallStatus?: string;
  /** ConversationRelay's `<Connect action>`: the `end` message's handoffData, as we sent it. */
  handoffData?: string;
  dialCallDuration?: number;
  recordingUrl?: string;
  recordingDuration?: number;
  /** Answering-machine detection's verdict (human, machine_end_beep, fax, ...). */
  answeredBy?: string;
  recordingSid?: string;
  recordingStatus?: string;
}

/** Reads and decodes a form-encoded body, refusing oversized, non-form or undecodable input. */
export async function readTwilioForm(req: Request): Promise<TwilioForm> {
  if (req.method !== 'POST') throw new BadTwilioRequest(`method ${req.method} not allowed`);
  const type = req.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw new BadTwilioRequest('body is not application/x-www-form-urlencoded');
  }
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw new BadTwilioRequest('body too large');
  const bytes = await readLimited(req, MAX_BODY_BYTES);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new BadTwilioRequest('body is not valid UTF-8');
  }
  let pairs: [string, string][];
  try {
    pairs = [...new URLSearchParams(text)];
  } catch {
    throw new BadTwilioRequest('body is not a valid form');
  }
  if (pairs.some(([name, value]) => name.length > 64 || value.length > MAX_FIELD_CHARS)) {
    throw new BadTwilioRequest('a field is too long');
  }
  const map = new Map(pairs);
  return { pairs, get: (name) => map.get(name) };
}

async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new BadTwilioRequest('body too large');
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

const callSidPattern = /^CA[0-9a-fA-F]{32}$/;

function optionalNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The voice parameters of a webhook; a missing or malformed CallSid is a bad request. */
export function voiceParams(form: TwilioForm): VoiceParams {
  const callSid = form.get('CallSid') ?? '';
  if (!callSidPattern.test(callSid)) throw new BadTwilioRequest('CallSid missing or malformed');
  // Postgres text cannot hold NUL, and no recogniser produces control characters: drop them.
  // deno-lint-ignore no-control-regex
  const speech = form.get('SpeechResult')?.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '').trim();
  const digits = form.get('Digits')?.trim();
  return {
    callSid,
    accountSid: form.get('AccountSid') ?? '',
    from: form.get('From') ?? form.get('Caller') ?? '',
    to: form.get('To') ?? form.get('Called') ?? '',
    callStatus: form.get('CallStatus') ?? '',
    direction: form.get('Direction') ?? 'inbound',
    speechResult: speech ? speech : undefined,
    confidence: optionalNumber(form.get('Confidence')),
    digits: digits ? digits : undefined,
    callDuration: optionalNumber(form.get('CallDuration')),
    dialCallStatus: form.get('DialCallStatus') || undefined,
    dialCallDuration: optionalNumber(form.get('DialCallDuration')),
    recordingUrl: form.get('RecordingUrl') || undefined,
    handoffData: form.get('HandoffData') || undefined,
    recordingDuration: optionalNumber(form.get('RecordingDuration')),
    answeredBy: form.get('AnsweredBy') || undefined,
    recordingSid: form.get('RecordingSid') || undefined,
    recordingStatus: form.get('RecordingStatus') || undefined,
  };
}
