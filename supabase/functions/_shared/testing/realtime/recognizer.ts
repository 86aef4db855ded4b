/**
 * How the stand-in "hears": it cannot understand audio, so whoever sends audio first tells it what
 * the audio says (the test-only channel), and it recognises a segment by its frames' fingerprints.
 * The audio still has to arrive intact through the bridge: a corrupted or re-encoded frame matches
 * nothing. Used both ways: caller utterances registered by the simulator, and the stand-in's own
 * replies, which the simulator looks up from the frames it was played.
 */
import { FRAME_BYTES, frameKey, framesOf } from './audio.ts';

export interface Utterance {
  id: number;
  text: string;
  /** Frames that hold sound (the ones with a fingerprint). */
  soundFrames: number;
  /** Frames in all, silence included. */
  frames: number;
  /** When (performance.timeOrigin + performance.now()) its first audio left the stand-in, per call (replies only). */
  sends?: { callSid: string; at: number }[];
}

const MAX_UTTERANCES = 20_000;

export class Recognizer {
  private next = 1;
  private readonly byId = new Map<number, Utterance>();
  private readonly byKey = new Map<string, number>();

  /** Remembers what `audio` says; returns its record. Identical audio keeps its first record. */
  register(text: string, audio: Uint8Array): Utterance {
    const keys = framesOf(audio).map(frameKey);
    const known = keys.find((k) => k && this.byKey.has(k));
    if (known) {
      const u = this.byId.get(this.byKey.get(known)!)!;
      if (u.text === text) return u;
    }
    if (this.byId.size >= MAX_UTTERANCES) this.forgetOldest();
    const u: Utterance = { id: this.next++, text, soundFrames: keys.filter(Boolean).length,
      frames: audio.length / FRAME_BYTES };
    this.byId.set(u.id, u);
    for (const k of keys) if (k && !this.byKey.has(k)) this.byKey.set(k, u.id);
    return u;
  }

  /** The utterance a frame fingerprint belongs to. */
  idOf(key: string | null): number | null {
    return key ? this.byKey.get(key) ?? null : null;
  }

  /** Notes that a reply's first audio is leaving now, for `callSid`. */
  sent(u: Utterance, callSid: string, at: number): void {
    u.sends ??= [];
    u.sends.push({ callSid, at });
    if (u.sends.length > 200) u.sends.shift();
  }

  /** The first send of a reply to `callSid` at or after `after`. */
  sentAt(u: Utterance, callSid: string, after: number): number | null {
    return u.sends?.find((s) => s.callSid === callSid && s.at >= after)?.at ?? null;
  }

  get(id: number): Utterance | undefined {
    return this.byId.get(id);
  }

  /**
   * The utterances these frame fingerprints belong to, in the order heard, with how many of each
   * one's sound frames were among them.
   */
  lookup(keys: (string | null)[]): { utterance: Utterance; matched: number }[] {
    const found = new Map<number, number>();
    for (const k of keys) {
      const id = k ? this.byKey.get(k) : undefined;
      if (id !== undefined) found.set(id, (found.get(id) ?? 0) + 1);
    }
    return [...found].map(([id, matched]) => ({ utterance: this.byId.get(id)!, matched }))
      .filter((x) => x.utterance);
  }

  /** The text of a caller segment: the registered utterance most of its sound frames belong to. */
  recognise(frames: Uint8Array[]): string | null {
    const hits = this.lookup(frames.map(frameKey));
    if (!hits.length) return null;
    hits.sort((a, b) => b.matched - a.matched);
    return hits[0].utterance.text;
  }

  private forgetOldest(): void {
    const oldest = this.byId.keys().next().value;
    if (oldest === undefined) return;
    this.byId.delete(oldest);
    for (const [k, id] of this.byKey) if (id === oldest) this.byKey.delete(k);
  }
}
