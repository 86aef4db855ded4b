/**
 * Suites that need the running test stack (or a system tool) fail when it is missing, so that
 * `vitest run` alone cannot go green while most tests never ran. `npm test` sets these variables;
 * SKIP_STACK_TESTS=1 is the explicit way to skip such suites instead.
 */
export const SKIP_FLAG = 'SKIP_STACK_TESTS';

/**
 * Whether to skip a suite: false when every named value is present; true only with
 * SKIP_STACK_TESTS=1; otherwise throws naming what is missing (the file fails, loudly).
 */
export function skipWithout(values: Record<string, string | boolean | undefined | null>): boolean {
  const missing = Object.entries(values).filter(([, v]) => !v).map(([k]) => k);
  if (missing.length === 0) return false;
  if (process.env[SKIP_FLAG] === '1') return true;
  throw new Error(`missing ${missing.join(', ')}: run this suite through npm test (it brings up the test stack ` +
    `and sets them), or set ${SKIP_FLAG}=1 to skip it on purpose`);
}
