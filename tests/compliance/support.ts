/** The test stack's addresses and a poller, for the compliance tests that drive it from outside. */
import type { SimTarget } from '../../tools/sim/scenario.ts';

export const env = {
  dbUrl: process.env.TEST_DB_URL ?? '',
  functionsUrl: (process.env.TEST_FUNCTIONS_URL ?? '').replace(/\/+$/, ''),
  authToken: process.env.TEST_TWILIO_AUTH_TOKEN ?? '',
  accountSid: process.env.TEST_TWILIO_ACCOUNT_SID ?? '',
  number: process.env.TEST_TWILIO_NUMBER ?? '',
};
export const noStack = !env.dbUrl || !env.functionsUrl || !env.authToken;

export const target: SimTarget = { functionsUrl: env.functionsUrl, dbUrl: env.dbUrl, authToken: env.authToken,
  accountSid: env.accountSid, toNumber: env.number, stackDbUrl: env.dbUrl };

/** Polls `read` until `done` holds for its value, or fails after `ms`. */
export async function eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
