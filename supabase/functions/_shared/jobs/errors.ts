/**
 * What a job handler throws or returns when it cannot finish now. Every error says whether
 * trying again can help: the queue retries a retryable failure with backoff and marks any other
 * one dead at once. Messages are stored as the job's last error, so they never carry a
 * transcript, a phone number or an email.
 */

/** A failed attempt; `retryable` decides between backoff and dead-letter. */
export class JobError extends Error {
  override name = 'JobError';
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

/** Input that can never succeed (unknown ids, a payload of the wrong shape): dead at once. */
export class PermanentJobError extends JobError {
  override name = 'PermanentJobError';
  constructor(message: string) {
    super(message, false);
  }
}

/** A vendor or network failure that may pass: retried with backoff. */
export class TransientJobError extends JobError {
  override name = 'TransientJobError';
  constructor(message: string) {
    super(message, true);
  }
}

/** Not yet: run again after `seconds` without counting an attempt (e.g. the call is still going). */
export class Snooze {
  constructor(readonly seconds: number, readonly reason: string) {}
}

/** Whether the queue should try a failed job again; errors of unknown origin are retried. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof JobError) return err.retryable;
  const flagged = (err as { retryable?: unknown })?.retryable;
  if (typeof flagged === 'boolean') return flagged;
  return true;
}

/** The stored form of an error: its name and our own message, never a vendor's body. */
export function errorText(err: unknown): string {
  if (err instanceof JobError) return `${err.name}: ${err.message}`;
  if (err instanceof Error) {
    // Postgres errors carry a code and a message without row values; vendor SDK messages may
    // quote request data, so only their name and status go in.
    const e = err as Error & { code?: unknown; status?: unknown };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      return `postgres ${e.code}: ${err.message}`;
    }
    return [err.name, typeof e.status === 'number' ? `status ${e.status}` : ''].filter(Boolean).join(' ');
  }
  return 'non-error thrown';
}
