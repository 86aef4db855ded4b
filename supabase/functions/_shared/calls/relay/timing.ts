/** The clocks of a relay session: when the caller counts as silent, when to renew, how long speech takes. */

export interface RelayTimings {
  /** The caller says nothing this long after the reply was spoken: a silence turn (gather's timeout). */
  silenceMs: number;
  /** This long after a reply was spoken with nothing from the caller is a quiet moment (for renewal). */
  quietMs: number;
  /** An estimate of text-to-speech time per character, for "after the reply was spoken". */
  speechMsPerChar: number;
}

/** What a session tells the `<Connect action>` URL when it ends (Twilio posts it back as HandoffData). */
export interface Handoff {
  reason: 'transfer' | 'hangup' | 'resume' | 'failure';
  /** The last stored turn. */
  turn: number;
  /** Words still to say before the handoff's verb (a transfer's or goodbye's reply held back). */
  say?: string;
}

const int = (v: string | undefined, fallback: number, min: number, max: number) => {
  const n = Number(v);
  return v !== undefined && v !== '' && Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

/** From RELAY_SILENCE_MS (6000), RELAY_QUIET_MS (800) and RELAY_SPEECH_MS_PER_CHAR (60). */
export function relayTimingsFrom(env: Record<string, string | undefined>): RelayTimings {
  return {
    silenceMs: int(env.RELAY_SILENCE_MS, 6000, 200, 60_000),
    quietMs: int(env.RELAY_QUIET_MS, 800, 50, 10_000),
    speechMsPerChar: int(env.RELAY_SPEECH_MS_PER_CHAR, 60, 0, 500),
  };
}

export function speechMs(text: string, t: RelayTimings): number {
  return text.length * t.speechMsPerChar;
}

/**
 * From when on a session renews at its next quiet moment: leaving a fifth of the limit (at most
 * 30 s) for the reply in progress and the quiet moment itself.
 */
export function renewAtMs(limitMs: number): number {
  return limitMs - Math.min(30_000, limitMs * 0.2);
}
