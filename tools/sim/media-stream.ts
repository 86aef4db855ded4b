/**
 * Twilio's side of a bidirectional Media Stream, played as Twilio plays it: a signed WebSocket
 * handshake, `connected` and `start` (with the <Parameter>s), caller audio as `media` in 20 ms
 * mu-law frames at real-time pace (silence between utterances, as a phone line never stops),
 * `dtmf` for keys, and `stop` on hang-up. The agent's audio is played at real-time pace too; a
 * `mark` goes back once the audio sent before it has played, and `clear` drops what is queued and
 * returns its marks at once.
 *
 * The stand-in cannot understand audio, so before an utterance is streamed its text is told to
 * the Realtime stand-in's test channel; what the agent said is looked up there from the frames
 * actually played.
 */
import { request } from 'node:https';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { FRAME_MS, frameKey, framesOf, silence, speak, toBase64, fromBase64 } from '../../supabase/functions/_shared/testing/realtime/audio.ts';
import { sign } from './twilio-signature.ts';
import { newSid } from './caller-input.ts';

export type StreamOptions = {
  url: string;
  parameters: Record<string, string>;
  authToken: string;
  accountSid: string;
  callSid: string;
  /** The Realtime stand-in's test channel (https), where utterances are told and replies looked up. */
  standInUrl: string;
  /** The PEM of the CA the stand-in's certificate comes from. */
  standInCa: string;
};

/**
 * A reply the caller heard (part of), in the order played: `heard` is what played before a
 * `clear`, `said` what of it reached Twilio (the words the agent put on the line, as a relay
 * reply's text is all its tokens).
 */
export type HeardReply = { text: string; heard: string; said: string; complete: boolean; overheadMs: number | null };

type Outgoing = { kind: 'frame'; bytes: Uint8Array; key: string | null } | { kind: 'mark'; name: string };

const SILENCE_FRAME = silence(FRAME_MS);
/** Quiet after the agent's last audio that ends its reply. */
const SETTLE_MS = 900;

const wallNow = () => performance.timeOrigin + performance.now();

export class MediaStream {
  readonly streamSid = `MZ${newSid('CA').slice(2)}`;
  private ws: WebSocket | null = null;
  private seq = 0;
  private chunk = 0;
  private startedAt = 0;
  private ticks = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private callerFrames: Uint8Array[] = [];
  private playQueue: Outgoing[] = [];
  /** Played frames (fingerprints) since the current listening window opened. */
  private played: (string | null)[] = [];
  /** Received frames: fingerprint and arrival time, since the window opened. */
  private received: { key: string | null; at: number }[] = [];
  private lastAudioAt = 0;
  private lastPlayedAt = 0;
  private windowOpenedAt = 0;
  private playedMsThisWindow = 0;
  closed = false;
  private closedWaiters: (() => void)[] = [];
  readonly cleared: number[] = [];
  readonly overheads: number[] = [];

  constructor(private readonly o: StreamOptions) {}

  /** Opens the socket (Twilio signs the URL it connects to, with no parameters) and starts the clock. */
  async open(): Promise<void> {
    const ws = new WebSocket(this.o.url, { headers: { 'x-twilio-signature': sign(this.o.url, {}, this.o.authToken) } });
    this.ws = ws;
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`media stream refused: HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    ws.on('message', (data) => this.fromServer(String(data)));
    ws.on('close', () => this.markClosed());
    this.send({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    this.send({ event: 'start', sequenceNumber: String(++this.seq), streamSid: this.streamSid, start: {
      accountSid: this.o.accountSid, streamSid: this.streamSid, callSid: this.o.callSid, tracks: ['inbound'],
      customParameters: this.o.parameters, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
    } });
    this.startedAt = performance.now();
    this.tick();
  }

  private send(message: Record<string, unknown>): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(message));
  }

  private fromServer(data: string): void {
    let m: Record<string, any>;
    try {
      m = JSON.parse(data);
    } catch {
      return;
    }
    if (m.streamSid !== this.streamSid) return;
    if (m.event === 'media' && typeof m.media?.payload === 'string') {
      const at = wallNow();
      for (const bytes of framesOf(fromBase64(m.media.payload))) {
        const key = frameKey(bytes);
        this.playQueue.push({ kind: 'frame', bytes, key });
        this.received.push({ key, at });
      }
      this.lastAudioAt = performance.now();
    } else if (m.event === 'mark' && typeof m.mark?.name === 'string') {
      this.playQueue.push({ kind: 'mark', name: m.mark.name });
      this.flushMarks();
    } else if (m.event === 'clear') {
      this.cleared.push(performance.now());
      const marks = this.playQueue.filter((x): x is { kind: 'mark'; name: string } => x.kind === 'mark');
      this.playQueue = [];
      for (const mark of marks) this.send({ event: 'mark', sequenceNumber: String(++this.seq), streamSid: this.streamSid, mark: { name: mark.name } });
    }
  }

  /** Marks at the head of the queue: everything before them has played. */
  private flushMarks(): void {
    while (this.playQueue[0]?.kind === 'mark') {
      const mark = this.playQueue.shift() as { kind: 'mark'; name: string };
      this.send({ event: 'mark', sequenceNumber: String(++this.seq), streamSid: this.streamSid, mark: { name: mark.name } });
    }
  }

  /** Every 20 ms of wall clock: one caller frame out, one agent frame played. */
  private tick(): void {
    if (this.closed) return;
    const due = Math.floor((performance.now() - this.startedAt) / FRAME_MS);
    while (this.ticks <= due && !this.closed) {
      this.ticks++;
      const frame = this.callerFrames.shift() ?? SILENCE_FRAME;
      this.send({ event: 'media', sequenceNumber: String(++this.seq), streamSid: this.streamSid,
        media: { track: 'inbound', chunk: String(++this.chunk), timestamp: String(this.chunk * FRAME_MS), payload: toBase64(frame) } });
      this.flushMarks();
      const next = this.playQueue.shift();
      if (next?.kind === 'frame') {
        this.played.push(next.key);
        this.playedMsThisWindow += FRAME_MS;
        this.lastPlayedAt = performance.now();
      }
      this.flushMarks();
    }
    this.timer = setTimeout(() => this.tick(), Math.max(1, this.startedAt + this.ticks * FRAME_MS - performance.now()));
  }

  private markClosed(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const w of this.closedWaiters.splice(0)) w();
  }

  /** Streams `text` as the caller's speech (told to the stand-in first); resolves when the last frame has gone. */
  async say(text: string): Promise<void> {
    const audio = await speak(text);
    await this.standIn('/_test/utterances', { text, audio: toBase64(audio) });
    const frames = framesOf(audio);
    this.callerFrames.push(...frames);
    await this.until(() => this.callerFrames.length === 0, frames.length * FRAME_MS + 5000);
  }

  /** Keys pressed: one `dtmf` message per key. */
  digits(keys: string): void {
    for (const digit of keys) {
      this.send({ event: 'dtmf', sequenceNumber: String(++this.seq), streamSid: this.streamSid, dtmf: { track: 'inbound_track', digit } });
    }
  }

  /** Opens a new listening window (what the agent says from now on). */
  openWindow(): void {
    this.windowOpenedAt = wallNow();
    this.played = [];
    this.received = [];
    this.playedMsThisWindow = 0;
  }

  /**
   * Waits for the agent to answer and finish playing (quiet for a moment after its last audio), for
   * the stream to close, or until `timeoutMs` passes with nothing. With `cutAfterMs`, returns once
   * that much of the answer has played (the caller is about to speak over it).
   */
  async awaitReply(timeoutMs: number, cutAfterMs?: number): Promise<void> {
    const since = performance.now();
    const sinceWall = wallNow();
    await this.until(() => {
      if (this.closed) return true;
      // Only audio that arrives after the caller finished counts as the answer.
      const started = this.received.length > 0 && this.received.at(-1)!.at >= sinceWall;
      if (!started) return performance.now() - since > timeoutMs;
      if (cutAfterMs !== undefined) return this.playedMsThisWindow >= cutAfterMs;
      return this.playQueue.length === 0 && performance.now() - Math.max(this.lastAudioAt, this.lastPlayedAt) > SETTLE_MS;
    }, timeoutMs + 120_000);
  }

  /** The replies heard in the window, looked up at the stand-in from the frames played. */
  async heardReplies(): Promise<HeardReply[]> {
    const played = this.played.filter((k) => k !== null);
    if (!played.length) return [];
    const body = await this.standIn('/_test/heard', { keys: played, received: this.received.map((r) => r.key),
      call_sid: this.o.callSid, after: this.windowOpenedAt }) as {
      replies: { id: number; text: string; sound_frames: number; matched: number; first_audio_at: number | null }[];
      received_ids: (number | null)[];
    };
    return body.replies.map((r) => {
      const fraction = Math.min(1, r.matched / Math.max(1, r.sound_frames));
      const words = r.text.split(/\s+/).filter(Boolean);
      const complete = fraction >= 0.97;
      const reached = Math.min(1, body.received_ids.filter((id) => id === r.id).length / Math.max(1, r.sound_frames));
      const said = reached >= 0.97 ? r.text : words.slice(0, Math.round(words.length * reached)).join(' ');
      const firstIndex = body.received_ids.indexOf(r.id);
      const overheadMs = r.first_audio_at !== null && firstIndex >= 0 ? this.received[firstIndex]!.at - r.first_audio_at : null;
      if (overheadMs !== null) this.overheads.push(overheadMs);
      return { text: r.text, heard: complete ? r.text : words.slice(0, Math.round(words.length * fraction)).join(' '), said,
        complete, overheadMs };
    });
  }

  /** When (performance.now) the first agent audio arrived after `since`, or null. */
  firstAudioSince(since: number): number | null {
    const wall = performance.timeOrigin + since;
    const first = this.received.find((r) => r.at >= wall);
    return first ? first.at - performance.timeOrigin : null;
  }

  /** The caller hangs up: `stop`, then the socket closes. */
  async stop(): Promise<void> {
    if (this.closed) return;
    this.send({ event: 'stop', sequenceNumber: String(++this.seq), streamSid: this.streamSid,
      stop: { accountSid: this.o.accountSid, callSid: this.o.callSid } });
    this.ws?.close(1000);
    this.markClosed();
  }

  waitClosed(): Promise<void> {
    return this.closed ? Promise.resolve() : new Promise((r) => this.closedWaiters.push(r));
  }

  private async until(done: () => boolean, timeoutMs: number): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (!done() && performance.now() < end) await new Promise((r) => setTimeout(r, 20));
  }

  private standIn(path: string, body: unknown): Promise<unknown> {
    return standInPost(this.o.standInUrl, this.o.standInCa, path, body);
  }
}

/** A POST to the Realtime stand-in's test channel (its certificate comes from the stack's own CA). */
export function standInPost(base: string, ca: string, path: string, body: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', ca, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => {
        if ((res.statusCode ?? 500) >= 300) return reject(new Error(`Realtime stand-in ${path}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error(`Realtime stand-in ${path}: not JSON`));
        }
      });
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}
