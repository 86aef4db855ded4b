/**
 * What the caller said while the database could not take it. A turn answered by the fallback
 * (database down or past the webhook's deadline) is kept here, in the process, and written once
 * the database answers again: the call (start_call, idempotent), then the turn with the words the
 * caller said and the sentence the fallback spoke (record_turn, idempotent per turn, so a turn
 * that was stored after all is not stored twice). Lost only if this process dies first; the
 * reconciliation from Twilio's API covers calls and recordings, which Twilio keeps.
 */
import { errorFields, type Logger } from '../runtime/log.ts';
import type { Sql } from '../runtime/runtime.ts';
import { store, type StoredInput } from './store.ts';

export interface HeldTurn {
  callSid: string;
  from: string;
  to: string;
  direction: 'inbound' | 'outbound';
  turn: number;
  input: StoredInput;
  /** What the fallback said to the caller. */
  reply: string;
  heldAt: number;
}

/** Kept for at most this long (a call's whole life); older ones are dropped, said in the log. */
const KEEP_MS = 2 * 60 * 60_000;

export class TurnOutbox {
  private held = new Map<string, HeldTurn>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private flushing: Promise<number> | null = null;

  constructor(private sql: Sql, private log: Logger, private retryMs = 2000) {}

  get size(): number {
    return this.held.size;
  }

  /** Keeps a turn for later and makes sure a flush is coming. */
  hold(t: Omit<HeldTurn, 'heldAt'>): void {
    this.held.set(`${t.callSid}#${t.turn}`, { ...t, heldAt: Date.now() });
    this.log.warn('turn held until the database is back', { call_sid: t.callSid, turn: t.turn });
    this.schedule();
  }

  /** Writes what it can; returns how many turns were stored. Never throws. */
  flush(): Promise<number> {
    this.flushing ??= this.write().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private schedule(): void {
    if (this.timer || this.held.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush().then(() => this.schedule());
    }, this.retryMs);
    // A held turn must not keep a finished process (or a test) alive.
    (this.timer as unknown as { unref?: () => void }).unref?.();
    if (typeof Deno !== 'undefined') Deno.unrefTimer(this.timer as unknown as number);
  }

  private async write(): Promise<number> {
    let stored = 0;
    const ordered = [...this.held.entries()].sort(([, a], [, b]) => a.turn - b.turn);
    for (const [key, t] of ordered) {
      if (Date.now() - t.heldAt > KEEP_MS) {
        this.held.delete(key);
        this.log.error('held turn dropped after two hours', { call_sid: t.callSid, turn: t.turn });
        continue;
      }
      try {
        await store.startCall(this.sql, t.callSid, t.from, t.to, t.direction);
        await store.recordHeldTurn(this.sql, { callSid: t.callSid, turn: t.turn, input: t.input, reply: t.reply });
        this.held.delete(key);
        stored++;
      } catch (err) {
        this.log.warn('held turn not stored yet', { call_sid: t.callSid, turn: t.turn, ...errorFields(err) });
        break; // the database is still away: try again later, in order
      }
    }
    if (stored) this.log.info('held turns stored', { count: stored });
    return stored;
  }
}
