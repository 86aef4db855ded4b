/**
 * Gathered turns still being answered, in this process. A turn webhook must answer within a few
 * seconds (webhook.ts), but a slow provider may take up to the brain's whole budget (8 s). When the
 * deadline comes while the brain is still thinking, the caller hears "One moment" and Twilio is
 * sent back (<Redirect>, `wait=k`) to collect the answer; the work goes on and stores the turn.
 * A retried or redirected webhook for the same turn waits for that work instead of starting the
 * brain again. When the deadline comes while the work waits on the database, the caller hears the
 * fallback and the work may no longer store its reply (see record_turn_before).
 */
import type { StoredInput } from './store.ts';
import type { Voice } from '../twilio/twiml.ts';
import { document, twiml } from '../twilio/twiml.ts';

export type TurnPhase = 'database' | 'brain';

export interface PendingTurn {
  readonly callSid: string;
  readonly turn: number;
  /** What the caller said, kept for the fallback's held turn whichever request answers. */
  readonly input: StoredInput;
  phase: TurnPhase;
  /** The voice the call speaks in, once the call's snapshot is read (for the holding answer). */
  voice?: Voice;
  /** The language the call speaks in ('es' for a Spanish caller), once known. */
  language?: string;
  /** Epoch ms by which the turn must be stored to be heard: the answering request's deadline. */
  answerBy: number;
  /** The caller heard the fallback for this turn: its reply must not be stored. */
  fellBack: boolean;
  /** Settles when the work is over (stored, failed or given up); never rejects. */
  done: Promise<void>;
}

/** How many times one turn may be held before the fallback answers (each hold is one deadline). */
export const MAX_HOLDS = 3;
/** A finished turn stays known this long, for the redirect that comes to collect it. */
const KEEP_AFTER_MS = 60_000;

const HOLDING: Record<string, string> = { en: 'One moment, please.', es: 'Un momento, por favor.' };

export class PendingTurns {
  private turns = new Map<string, PendingTurn>();

  get(callSid: string, turn: number): PendingTurn | undefined {
    return this.turns.get(key(callSid, turn));
  }

  /**
   * Runs a turn's work as the pending turn for (callSid, turn). The work sets the phase and may
   * read `fellBack`; its result goes to the caller, its failure too.
   */
  run<T>(callSid: string, turn: number, input: StoredInput, answerBy: number, work: (p: PendingTurn) => Promise<T>): Promise<T> {
    let settle!: () => void;
    const pending: PendingTurn = { callSid, turn, input, phase: 'database', answerBy, fellBack: false,
      done: new Promise<void>((resolve) => settle = resolve) };
    const k = key(callSid, turn);
    this.turns.set(k, pending);
    return work(pending).finally(() => {
      settle();
      const timer = setTimeout(() => {
        if (this.turns.get(k) === pending) this.turns.delete(k);
      }, KEEP_AFTER_MS);
      unref(timer);
    });
  }
}

/** "One moment" in the call's voice, then Twilio comes back for the answer at `collectUrl`. */
export function holdingTwiml(voice: Voice, language: string | undefined, collectUrl: string): string {
  const said = HOLDING[language === 'es' || voice.language.toLowerCase().startsWith('es') ? 'es' : 'en'];
  return document(twiml.say(said, voice), twiml.redirect(collectUrl));
}

function key(callSid: string, turn: number): string {
  return `${callSid}#${turn}`;
}

function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as unknown as { unref?: () => void }).unref?.();
  if (typeof Deno !== 'undefined') Deno.unrefTimer(timer as unknown as number);
}
