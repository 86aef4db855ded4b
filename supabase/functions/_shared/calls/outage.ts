/**
 * Notices a database outage and its end. A webhook answered by the fallback (the database failed
 * or was past the deadline) marks the outage's start; the next webhook answered from the database
 * marks its end, and the functions enqueue a `reconcile_twilio` job for the window (with a margin
 * either side), which stores from Twilio's Calls and Recordings APIs what the database missed:
 * a call that started, a voicemail. At most one job a minute: a flapping database widens the
 * next window instead.
 */
import { errorFields, type Logger } from '../runtime/log.ts';
import type { Sql } from '../runtime/runtime.ts';

const MARGIN_MS = 2 * 60_000;
const MIN_INTERVAL_MS = 60_000;

export class OutageWatch {
  private since: number | null = null;
  private lastDown = 0;
  private lastUp = 0;
  private lastEnqueued = -Infinity;
  private enqueuing: Promise<void> | null = null;

  constructor(private sql: Sql, private log: Logger, private now: () => number = Date.now) {}

  /** When the current outage started (epoch ms), or null. */
  get startedAt(): number | null {
    return this.since;
  }

  /** Whether the last webhook to use the database found it away (no answer from it since). */
  get isDown(): boolean {
    return this.lastDown > this.lastUp;
  }

  /** A webhook could not use the database. */
  down(): void {
    this.lastDown = this.now();
    this.since ??= this.lastDown;
  }

  /** A webhook was answered from the database: reconcile the outage seen before, if any. */
  up(): Promise<void> {
    this.lastUp = this.now();
    if (this.since === null || this.enqueuing || this.now() - this.lastEnqueued < MIN_INTERVAL_MS) {
      return this.enqueuing ?? Promise.resolve();
    }
    const started = this.now();
    const since = new Date(this.since - MARGIN_MS);
    const until = new Date(started + MARGIN_MS);
    this.enqueuing = this.sql`select public.enqueue_reconciliation(${since}, ${until})`.then(() => {
      this.lastEnqueued = started;
      // Down again while this was written: that outage is still to reconcile.
      this.since = this.lastDown > started ? this.lastDown : null;
      this.log.info('database back: reconciliation from Twilio enqueued', { since: since.toISOString(), until: until.toISOString() });
    }, (err) => {
      this.log.warn('reconciliation not enqueued yet', errorFields(err));
    }).finally(() => {
      this.enqueuing = null;
    });
    return this.enqueuing;
  }
}
