/**
 * What the caller has heard of each reply. Every audio chunk sent to Twilio is followed by a mark
 * named for its reply item and the audio's end (ms); Twilio returns a mark once the audio before it
 * has played, so the last mark back is the point the caller heard (Twilio also returns the marks of
 * audio dropped by `clear`: those come back after the barge-in and change nothing).
 */
import { ULAW_BYTES_PER_MS } from '../../twilio/media_streams.ts';

interface ItemAudio {
  sentMs: number;
  heardMs: number;
}

export class Playback {
  private readonly items = new Map<string, ItemAudio>();
  private outstanding = 0;
  private cleared = new Set<string>();

  /** Records audio sent for `itemId`; returns the mark to send after it. */
  sent(itemId: string, bytes: number): string {
    const a = this.items.get(itemId) ?? { sentMs: 0, heardMs: 0 };
    a.sentMs += bytes / ULAW_BYTES_PER_MS;
    this.items.set(itemId, a);
    this.outstanding++;
    return `${itemId}:${Math.round(a.sentMs)}`;
  }

  /** A mark came back. */
  played(mark: string): void {
    const sep = mark.lastIndexOf(':');
    const itemId = mark.slice(0, sep);
    const a = this.items.get(itemId);
    if (!a) return;
    this.outstanding = Math.max(0, this.outstanding - 1);
    if (this.cleared.has(itemId)) return;
    a.heardMs = Math.max(a.heardMs, Number(mark.slice(sep + 1)) || 0);
  }

  /** Whether audio of `itemId` is still queued at Twilio. */
  playing(itemId: string): boolean {
    const a = this.items.get(itemId);
    return !!a && !this.cleared.has(itemId) && a.heardMs < Math.round(a.sentMs);
  }

  /** Every mark sent has come back: Twilio's buffer is empty. */
  get drained(): boolean {
    return this.outstanding === 0;
  }

  /** After `clear`: the item's heard point is final. */
  clear(itemId: string): { heardMs: number; sentMs: number } {
    this.cleared.add(itemId);
    const a = this.items.get(itemId) ?? { sentMs: 0, heardMs: 0 };
    return { heardMs: a.heardMs, sentMs: a.sentMs };
  }

  sentMs(itemId: string): number {
    return this.items.get(itemId)?.sentMs ?? 0;
  }
}

/** The words of `text` the caller heard, in proportion to the audio played. */
export function heardPart(text: string, heardMs: number, sentMs: number): string {
  if (sentMs <= 0 || heardMs >= sentMs) return text;
  const words = text.split(/\s+/).filter(Boolean);
  return words.slice(0, Math.round(words.length * Math.max(0, heardMs) / sentMs)).join(' ');
}
