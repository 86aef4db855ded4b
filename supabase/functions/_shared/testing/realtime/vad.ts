/**
 * Server VAD as the Realtime API describes it: speech starts after sound, and stops after
 * `silence_duration_ms` of quiet; `prefix_padding_ms` of audio before the start is kept.
 * Energy-based, on 20 ms mu-law frames.
 */
import { FRAME_MS, level, SPEECH_LEVEL } from './audio.ts';

export interface VadSettings {
  silenceDurationMs: number;
  prefixPaddingMs: number;
}

export type VadEvent =
  | { kind: 'speech_started'; audioStartMs: number }
  | { kind: 'speech_stopped'; audioEndMs: number; frames: Uint8Array[] };

/** Sound frames in a row that count as speech (not a click). */
const START_FRAMES = 3;

export class Vad {
  private ms = 0;
  private loudRun = 0;
  private quietRun = 0;
  private speaking = false;
  private segment: Uint8Array[] = [];
  private recent: Uint8Array[] = [];

  constructor(private readonly settings: VadSettings) {}

  /** Feeds one frame; returns an event when speech starts or stops. */
  push(frame: Uint8Array): VadEvent | null {
    this.ms += FRAME_MS;
    const loud = level(frame) >= SPEECH_LEVEL;
    if (!this.speaking) {
      this.recent.push(frame);
      const keep = Math.max(START_FRAMES, Math.round(this.settings.prefixPaddingMs / FRAME_MS));
      if (this.recent.length > keep) this.recent.shift();
      this.loudRun = loud ? this.loudRun + 1 : 0;
      if (this.loudRun < START_FRAMES) return null;
      this.speaking = true;
      this.quietRun = 0;
      this.segment = [...this.recent];
      this.recent = [];
      return { kind: 'speech_started', audioStartMs: Math.max(0, this.ms - START_FRAMES * FRAME_MS) };
    }
    this.segment.push(frame);
    this.quietRun = loud ? 0 : this.quietRun + 1;
    if (this.quietRun * FRAME_MS < this.settings.silenceDurationMs) return null;
    this.speaking = false;
    this.loudRun = 0;
    const frames = this.segment;
    this.segment = [];
    return { kind: 'speech_stopped', audioEndMs: this.ms, frames };
  }

  get inSpeech(): boolean {
    return this.speaking;
  }

  /** input_audio_buffer.clear: drop what was buffered. */
  reset(): void {
    this.speaking = false;
    this.loudRun = 0;
    this.segment = [];
    this.recent = [];
  }
}
