/**
 * Twilio Media Streams' WebSocket messages (bidirectional `<Connect><Stream>`), translated here
 * and nowhere else. In: connected, start, media, dtmf, mark, stop. Out: media, mark, clear.
 * Audio is base64 G.711 mu-law, 8 kHz, mono. Anything else becomes a typed `ignored`.
 */

export type StreamEvent =
  | { event: 'connected' }
  | {
    event: 'start';
    streamSid: string;
    callSid: string;
    accountSid: string;
    customParameters: Record<string, string>;
    encoding: string;
    sampleRate: number;
  }
  | { event: 'media'; streamSid: string; track: string; payload: string; timestamp: number }
  | { event: 'dtmf'; streamSid: string; digit: string }
  | { event: 'mark'; streamSid: string; name: string }
  | { event: 'stop'; streamSid: string; callSid: string }
  | { event: 'ignored'; reason: string };

const SID = /^[A-Z]{2}[0-9a-fA-F]{32}$/;

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(obj(v))) if (typeof value === 'string') out[k] = value;
  return out;
}

/** One message from Twilio, typed; malformed or unknown messages come back as `ignored`. */
export function parseStreamMessage(data: unknown): StreamEvent {
  if (typeof data !== 'string') return { event: 'ignored', reason: 'binary frame' };
  let m: Record<string, unknown>;
  try {
    m = obj(JSON.parse(data));
  } catch {
    return { event: 'ignored', reason: 'not JSON' };
  }
  const streamSid = str(m.streamSid);
  switch (m.event) {
    case 'connected':
      return { event: 'connected' };
    case 'start': {
      const s = obj(m.start);
      const format = obj(s.mediaFormat);
      const callSid = str(s.callSid);
      if (!SID.test(str(s.streamSid)) || !SID.test(callSid)) return { event: 'ignored', reason: 'start without sids' };
      return {
        event: 'start', streamSid: str(s.streamSid), callSid, accountSid: str(s.accountSid),
        customParameters: stringRecord(s.customParameters), encoding: str(format.encoding),
        sampleRate: Number(format.sampleRate) || 0,
      };
    }
    case 'media': {
      const media = obj(m.media);
      const payload = str(media.payload);
      if (!payload) return { event: 'ignored', reason: 'media without payload' };
      return { event: 'media', streamSid, track: str(media.track) || 'inbound', payload,
        timestamp: Number(media.timestamp) || 0 };
    }
    case 'dtmf': {
      const digit = str(obj(m.dtmf).digit);
      return /^[0-9*#]$/.test(digit) ? { event: 'dtmf', streamSid, digit } : { event: 'ignored', reason: 'bad digit' };
    }
    case 'mark': {
      const name = str(obj(m.mark).name);
      return name ? { event: 'mark', streamSid, name } : { event: 'ignored', reason: 'mark without name' };
    }
    case 'stop':
      return { event: 'stop', streamSid, callSid: str(obj(m.stop).callSid) };
    default:
      return { event: 'ignored', reason: 'unknown event' };
  }
}

/** Messages to Twilio. A mark comes back once the audio sent before it has been played. */
export const toTwilio = {
  media: (streamSid: string, payload: string) => JSON.stringify({ event: 'media', streamSid, media: { payload } }),
  mark: (streamSid: string, name: string) => JSON.stringify({ event: 'mark', streamSid, mark: { name } }),
  /** Empties Twilio's playback buffer (barge-in); Twilio then returns the marks still queued. */
  clear: (streamSid: string) => JSON.stringify({ event: 'clear', streamSid }),
};

/** mu-law audio runs at 8000 bytes per second. */
export const ULAW_BYTES_PER_MS = 8;
