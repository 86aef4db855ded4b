/**
 * Real telephone audio for the local stand-ins: text spoken by espeak-ng, converted by sox to
 * 8 kHz G.711 mu-law (what Twilio Media Streams carry), cut into 20 ms frames. Uses only `node:`
 * modules so the simulator (Node) and the Realtime stand-in (Deno) share it.
 */
import { spawn } from 'node:child_process';

/** 20 ms of 8 kHz mu-law. */
export const FRAME_BYTES = 160;
export const FRAME_MS = 20;

const cache = new Map<string, Promise<Uint8Array>>();

function run(cmd: string, args: string[], input?: Uint8Array): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    // espeak-ng reads no stdin: it gets none (it may exit before a write to its stdin, an EPIPE).
    const child = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    const out: Uint8Array[] = [];
    let err = '';
    child.stdout!.on('data', (d: Uint8Array) => out.push(d));
    child.stderr!.on('data', (d: Uint8Array) => (err += String(d)));
    child.on('error', (e: Error) =>
      reject(new Error(`${cmd} could not run (${e.message}); install it: apt-get install espeak-ng sox`)));
    child.on('close', (code: number) => {
      if (code !== 0) return reject(new Error(`${cmd} exited with ${code}: ${err.slice(0, 200)}`));
      const total = out.reduce((n, c) => n + c.length, 0);
      const all = new Uint8Array(total);
      let at = 0;
      for (const c of out) (all.set(c, at), (at += c.length));
      resolve(all);
    });
    if (input) {
      // A child that exits early fails through its exit code; the broken pipe is not a second error.
      child.stdin!.on('error', () => {});
      child.stdin!.end(input);
    }
  });
}

/**
 * `text` spoken (espeak-ng, US English, or Spanish when asked) as raw 8 kHz mu-law, padded to
 * whole frames. Cached per text: the same words always give the same audio.
 */
export function speak(text: string, language = 'en-US'): Promise<Uint8Array> {
  const key = `${language}\u0000${text}`;
  let found = cache.get(key);
  if (!found) {
    const voice = language.toLowerCase().startsWith('es') ? 'es-419' : 'en-us';
    found = run('espeak-ng', ['-v', voice, '-s', '185', '--stdout', text || ' '])
      .then((wav) => run('sox', ['-t', 'wav', '-', '-t', 'raw', '-r', '8000', '-e', 'mu-law', '-b', '8', '-c', '1', '-']
        , wav))
      .then(padToFrames);
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

function padToFrames(audio: Uint8Array): Uint8Array {
  const whole = Math.ceil(audio.length / FRAME_BYTES) * FRAME_BYTES;
  const out = new Uint8Array(whole).fill(0xff);
  out.set(audio);
  return out;
}

/** `ms` of mu-law silence. */
export function silence(ms: number): Uint8Array {
  return new Uint8Array(Math.round(ms / FRAME_MS) * FRAME_BYTES).fill(0xff);
}

/** Splits audio into 20 ms frames (the last one padded with silence). */
export function framesOf(audio: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let i = 0; i < audio.length; i += FRAME_BYTES) {
    const f = audio.subarray(i, i + FRAME_BYTES);
    if (f.length === FRAME_BYTES) frames.push(f);
    else frames.push(padToFrames(f));
  }
  return frames;
}

/** G.711 mu-law byte to a linear 16-bit sample. */
function ulawToLinear(u: number): number {
  const x = ~u & 0xff;
  const sign = x & 0x80;
  const exponent = (x >> 4) & 0x07;
  const mantissa = x & 0x0f;
  const magnitude = ((mantissa << 3) + 0x84) << exponent;
  return sign ? 0x84 - magnitude : magnitude - 0x84;
}

const LINEAR = Int16Array.from({ length: 256 }, (_, u) => ulawToLinear(u));

/** Root-mean-square level of a mu-law frame (0 to 32767). */
export function level(frame: Uint8Array): number {
  let sum = 0;
  for (const u of frame) sum += LINEAR[u] * LINEAR[u];
  return Math.sqrt(sum / Math.max(1, frame.length));
}

/** Loud enough to be speech rather than line noise. */
export const SPEECH_LEVEL = 300;

/**
 * A fingerprint of a frame that holds sound (FNV-1a over its bytes), or null for a quiet frame:
 * quiet frames are alike in every utterance and identify nothing.
 */
export function frameKey(frame: Uint8Array): string | null {
  if (level(frame) < SPEECH_LEVEL) return null;
  let h = 0x811c9dc5;
  for (const b of frame) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  let h2 = 0x9e3779b9;
  for (let i = frame.length - 1; i >= 0; i--) h2 = Math.imul(h2 ^ frame[i], 0x85ebca6b) >>> 0;
  return `${h.toString(36)}.${h2.toString(36)}`;
}

export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(b64: string): Uint8Array {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
