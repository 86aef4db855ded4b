/** The webhook URLs the product hands Twilio, all absolute under the public functions base. */
export interface WebhookUrls {
  turn(n: number, extra?: Record<string, string>): string;
  dialAction(n: number): string;
  recording(): string;
  /** The warm transfer's whisper for the member, and their answer to it; `callSid` is the caller's call. */
  whisper(callSid: string): string;
  whisperAnswer(callSid: string): string;
  /** The Media Streams socket (ws/wss; Twilio takes no query string here). */
  mediaStream(): string;
  /** What Twilio requests when the media stream closes (the verb after </Connect>). */
  afterStream(): string;
}

export function webhookUrls(publicBase: string): WebhookUrls {
  const url = (path: string, query: Record<string, string> = {}) => {
    const q = new URLSearchParams(query).toString();
    return `${publicBase}/${path}${q ? `?${q}` : ''}`;
  };
  return {
    turn: (n, extra = {}) => url('twilio-turn', { n: String(n), ...extra }),
    dialAction: (n) => url('twilio-status/dial', { n: String(n) }),
    recording: () => url('twilio-status/recording'),
    whisper: (callSid) => url('twilio-status/whisper', { call: callSid }),
    whisperAnswer: (callSid) => url('twilio-status/whisper-answer', { call: callSid }),
    mediaStream: () => `${publicBase.replace(/^http/, 'ws')}/twilio-media`,
    afterStream: () => url('twilio-media/after'),
  };
}

/** The URL Twilio requested, as it signed it: the public base plus the function's path and query. */
export function publicRequestUrl(publicBase: string, req: Request): string {
  const u = new URL(req.url);
  return `${publicBase}${u.pathname}${u.search}`;
}
