/** Minimal assertions for Deno tests (no JSR here, so no @std/assert). */
import { deepStrictEqual } from 'node:assert';

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(message);
}

export function assertEquals<T>(actual: T, expected: T, message?: string): void {
  deepStrictEqual(actual, expected, message);
}

export function assertMatch(actual: string, pattern: RegExp, message?: string): void {
  if (!pattern.test(actual)) throw new Error(message ?? `${JSON.stringify(actual)} does not match ${pattern}`);
}

export async function assertRejects(fn: () => Promise<unknown>, pattern?: RegExp): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    if (pattern && !pattern.test(error.message)) throw new Error(`rejected with "${error.message}", expected ${pattern}`);
    return error;
  }
  throw new Error('expected a rejection');
}
