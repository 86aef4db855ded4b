/**
 * After the call, across processes: a simulated call plays against the test stack's functions,
 * and the test stack's jobs worker (tools/stack/worker-loop.ts) analyses it and files its
 * notification within seconds; a job that always fails ends dead-lettered after its retries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { playScenario, type SimTarget } from '../../tools/sim/scenario.ts';
import type { Scenario } from '../../tools/sim/scenario-file.ts';
import { skipWithout } from '../support/stack-env.ts';

const env = {
  dbUrl: process.env.TEST_DB_URL ?? '',
  functionsUrl: (process.env.TEST_FUNCTIONS_URL ?? '').replace(/\/+$/, ''),
  authToken: process.env.TEST_TWILIO_AUTH_TOKEN ?? '',
  accountSid: process.env.TEST_TWILIO_ACCOUNT_SID ?? '',
  number: process.env.TEST_TWILIO_NUMBER ?? '',
};
const noStack = skipWithout({ TEST_DB_URL: env.dbUrl, TEST_FUNCTIONS_URL: env.functionsUrl, TEST_TWILIO_AUTH_TOKEN: env.authToken });
const PREFIX = '+1555074';

/** Polls `read` until `done` holds for its value, or fails after `ms`. */
async function eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.skipIf(noStack)('after the call (the test stack with its jobs worker)', () => {
  let sql: Sql;
  const target: SimTarget = { functionsUrl: env.functionsUrl, dbUrl: env.dbUrl, authToken: env.authToken,
    accountSid: env.accountSid, toNumber: env.number, stackDbUrl: env.dbUrl };

  beforeAll(async () => {
    sql = postgres(env.dbUrl, { max: 2, onnotice: () => {} });
    // A worker must be running: a probe job is done within seconds, or nothing below can pass.
    const [{ id }] = await sql<{ id: string }[]>`select public.enqueue_job('probe', '{"from": "vitest"}') as id`;
    await eventually('a probe job done by the test stack\'s worker (is tools/stack/worker-loop.ts running?)',
      async () => (await sql`select state from jobs where id = ${id}`)[0]?.state, (s) => s === 'done', 15_000);
  });

  afterAll(async () => {
    const like = `${PREFIX}%`;
    await sql`delete from scheduled_tasks where phone_number like ${like}`;
    await sql`delete from conversations where from_number like ${like}`;
    await sql`delete from customers where phone_number like ${like}`;
    await sql.end();
  });

  it('a call that ends has, within seconds, a summary, a sentiment score and a notification', async () => {
    const caller = `${PREFIX}${String(randomInt(100_000)).padStart(5, '0')}`;
    const scenario: Scenario = {
      name: 'after the call: a lead asks about the price',
      caller,
      given: { hours: 'open' },
      turns: [
        { say: 'Hi, my name is Nora Lane from Lane Bakery. How much does the Voice Agent Starter cost?' },
        { say: 'Great, thank you, that is really helpful.' },
      ],
      expect: {},
    };
    const result = await playScenario(scenario, target);
    expect(result.failures).toEqual([]);
    const conversationId = result.conversation_id!;
    expect(conversationId).toBeTruthy();

    const call = await eventually('the analysis stored on the call', async () => (await sql`
      select summary, sentiment_score::float as sentiment, lead_score, outcome, ended_at, analysed_at
      from conversations where id = ${conversationId}`)[0], (c) => c?.summary != null && c.sentiment != null);
    expect(call.summary).toMatch(/Nora/);
    expect(call.sentiment).toBeGreaterThanOrEqual(-1);
    expect(call.sentiment).toBeLessThanOrEqual(1);
    expect(call.lead_score).toBeGreaterThanOrEqual(0);

    const notification = await eventually('the call\'s notification', async () => (await sql`
      select kind, subject, status, created_at from notifications
      where conversation_id = ${conversationId} and kind = 'call_summary'`)[0], (n) => n !== undefined);
    expect(notification.status).toMatch(/^(stored|sent)$/);
    expect(notification.subject).toMatch(/Nora Lane/);

    const latencyMs = new Date(notification.created_at).getTime() - new Date(call.ended_at).getTime();
    const jobs = await sql<{ kind: string; ms: number }[]>`select kind, round(extract(epoch from finished_at - created_at) * 1000)::int as ms
      from jobs where dedupe_key in (${`analyse_call:${conversationId}`}, ${`notify:call_summary:${conversationId}`})`;
    console.log(JSON.stringify({ call_end_to_notification_ms: latencyMs, jobs }));
    expect(latencyMs).toBeLessThan(10_000);
  });

  it('a job that always fails is retried with backoff and ends dead, holding its last error', async () => {
    const [{ id }] = await sql<{ id: string }[]>`select public.enqueue_job('probe',
      '{"fail": "always, for the dead-letter test"}', null, null, 3, 1) as id`;
    const job = await eventually('the failing job dead-lettered', async () => (await sql`
      select state, attempts, max_attempts, last_error, created_at, finished_at from jobs where id = ${id}`)[0],
      (j) => j.state === 'dead', 20_000);
    expect(job).toMatchObject({ state: 'dead', attempts: 3, max_attempts: 3,
      last_error: 'JobError: probe failed as asked: always, for the dead-letter test' });
    // Three attempts with 1 s and then 2 s of backoff between them.
    expect(new Date(job.finished_at).getTime() - new Date(job.created_at).getTime()).toBeGreaterThanOrEqual(3000);
    const [counts] = await sql`select dead from job_counts where kind = 'probe'`;
    expect(counts.dead).toBeGreaterThanOrEqual(1);

    const [retried] = await sql`select state, attempts from public.retry_job(${id})`;
    expect(retried).toMatchObject({ state: 'queued', attempts: 0 });
    await eventually('the retried job dead again', async () => (await sql`select state from jobs where id = ${id}`)[0].state,
      (s) => s === 'dead', 20_000);
  });
});
