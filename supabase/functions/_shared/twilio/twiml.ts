/**
 * TwiML rendering. Every text and attribute is XML-escaped here, so caller words can never
 * change the document's structure.
 */

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for XML content or a double-quoted attribute; drops characters XML forbids. */
export function escapeXml(text: string): string {
  // deno-lint-ignore no-control-regex
  return text.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').replace(/[&<>"']/g, (c) => entities[c]);
}

type Attrs = Record<string, string | number | boolean | undefined>;

function attrs(values: Attrs): string {
  return Object.entries(values)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

/** A verb element; `children` are already-rendered verbs or escaped text. */
function element(name: string, attributes: Attrs = {}, children = ''): string {
  return children ? `<${name}${attrs(attributes)}>${children}</${name}>` : `<${name}${attrs(attributes)}/>`;
}

export interface Voice {
  voice: string;
  language: string;
}

export const twiml = {
  say: (text: string, v: Voice) => element('Say', { voice: v.voice, language: v.language }, escapeXml(text)),
  pause: (seconds: number) => element('Pause', { length: seconds }),
  hangup: () => element('Hangup'),
  redirect: (url: string) => element('Redirect', { method: 'POST' }, escapeXml(url)),
  gather: (opts: { action: string; language: string; timeout?: number; hints?: string; input?: string;
    actionOnEmptyResult?: boolean }, inner: string) =>
    element('Gather', {
      input: opts.input ?? 'speech dtmf',
      action: opts.action,
      method: 'POST',
      language: opts.language,
      speechTimeout: 'auto',
      timeout: opts.timeout ?? 6,
      numDigits: 1,
      hints: opts.hints,
      actionOnEmptyResult: opts.actionOnEmptyResult,
    }, inner),
  /** `whisperUrl`: TwiML Twilio runs for the person dialled before the caller is connected. */
  dial: (opts: { action: string; callerId?: string; timeout?: number; whisperUrl?: string }, number: string) =>
    element('Dial', { action: opts.action, method: 'POST', callerId: opts.callerId, timeout: opts.timeout ?? 20 },
      element('Number', opts.whisperUrl ? { url: opts.whisperUrl, method: 'POST' } : {}, escapeXml(number))),
  /**
   * A bidirectional Media Stream. Twilio takes no query string on a stream URL, so what the
   * session needs travels as <Parameter>s; when the socket closes, the verb after </Connect> runs.
   */
  connectStream: (url: string, parameters: Record<string, string>) =>
    element('Connect', {}, element('Stream', { url },
      Object.entries(parameters).map(([name, value]) => element('Parameter', { name, value })).join(''))),
  record: (opts: { action: string; maxLength?: number }) =>
    element('Record', { action: opts.action, method: 'POST', maxLength: opts.maxLength ?? 120, playBeep: true,
      finishOnKey: '#' }),
};

/** Wraps verbs into a complete TwiML document. */
export function document(...verbs: string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?><Response>${verbs.join('')}</Response>`;
}

/** An HTTP response carrying TwiML; always 200, as Twilio must never see a 5xx. */
export function twimlResponse(body: string): Response {
  return new Response(body, { status: 200, headers: { 'content-type': 'text/xml; charset=utf-8' } });
}
