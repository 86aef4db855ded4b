/**
 * playScenario end to end against a real database (the test stack's, or SIM_TEST_DB_URL) and an
 * in-process fake of the voice functions that writes what the real ones would. Skipped without one.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVoiceApp, type ReceivedRequest } from './fake-voice-app.ts';
import { resetCaller, UnsafeDatabaseError } from './scenario-db.ts';
import { parseScenario } from './scenario-file.ts';
import { playScenario, type SimTarget } from './scenario.ts';
import { skipWithout } from '../../tests/support/stack-env.ts';

const DB_URL = process.env.SIM_TEST_DB_URL || process.env.TEST_DB_URL || '';
const TOKEN = 'scenario-test-token';
const CALLER = '+15555559901';
const xml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
const listen = (n: number) => `<Gather input="speech dtmf" action="/functions/v1/twilio-turn?n=${n}"><Say>Anything else?</Say></Gather>`;

describe.skipIf(skipWithout({ TEST_DB_URL: DB_URL }))('playScenario against a database', () => {
  const sql = postgres(DB_URL, { max: 2, onnotice: () => {} });
  let app: Awaited<ReturnType<typeof startFakeVoiceApp>>;
  let target: SimTarget;
  let failVoice = false;
  let overrideDuringCall: string | null = null;

  /** What the real functions do, reduced: open the conversation, store turns, book a callback, close on status. */
  const routes = {
    '/functions/v1/twilio-voice': async (r: ReceivedRequest) => {
      if (failVoice) return { status: 500, contentType: 'text/plain', body: 'down' };
      overrideDuringCall = (await sql`select hours_override from agent_configs where is_active`)[0]?.hours_override ?? null;
      const [customer] = await sql`insert into customers (phone_number) values (${r.params.From!})
        on conflict (phone_number) do update set call_count = customers.call_count + 1 returning id, name`;
      const [conversation] = await sql`insert into conversations (call_sid, customer_id, from_number, to_number)
        values (${r.params.CallSid!}, ${customer!.id}, ${r.params.From!}, ${r.params.To!}) returning id`;
      const greeting = customer!.name ? `Welcome back, ${customer!.name}.` : 'Thanks for calling.';
      await sql`insert into messages (conversation_id, turn, role, content) values (${conversation!.id}, 0, 'agent', ${greeting})`;
      return xml(`<Say>${greeting}</Say>${listen(1)}`);
    },
    '/functions/v1/twilio-turn': async (r: ReceivedRequest) => {
      const n = Number(r.query.get('n'));
      const [conversation] = await sql`select id, customer_id, (select timezone from agent_configs where is_active) as tz
        from conversations where call_sid = ${r.params.CallSid!}`;
      const said = r.params.SpeechResult ?? '';
      const name = /my name is ([a-z ]+)/i.exec(said)?.[1];
      if (name) await sql`update customers set name = ${name.trim()} where id = ${conversation!.customer_id}`;
      let reply = 'Noted.';
      if (/call me back tomorrow at two/i.test(said)) {
        await sql`insert into scheduled_tasks (customer_id, conversation_id, task_type, scheduled_for, phone_number)
          values (${conversation!.customer_id}, ${conversation!.id}, 'callback',
            (date_trunc('day', now() at time zone ${conversation!.tz}) + interval '1 day 14 hours') at time zone ${conversation!.tz}, ${r.params.From!})`;
        reply = 'We will call you tomorrow at 2 PM.';
      }
      await sql`insert into messages (conversation_id, turn, role, content)
        values (${conversation!.id}, ${n}, 'caller', ${said}), (${conversation!.id}, ${n}, 'agent', ${reply})`;
      return xml(`<Say>${reply}</Say>${listen(n + 1)}`);
    },
    '/functions/v1/twilio-status': async (r: ReceivedRequest) => {
      await sql`update conversations set ended_at = now(), status = ${r.params.CallStatus!},
        duration_seconds = ${Number(r.params.CallDuration)} where call_sid = ${r.params.CallSid!}`;
      return { status: 204, body: '' };
    },
  };

  const scenario = parseScenario({
    name: 'returning caller books a callback', caller: CALLER,
    given: { hours: 'closed', customer: { name: 'Elena Morales', email: 'elena@example.com' } },
    turns: [
      { say: 'Actually my name is Elena Ruiz.', expect_reply: ['noted'] },
      { say: 'Please call me back tomorrow at two.', expect_reply: ['\\b2\\b|two'], expect_reply_not: ['transfer'] },
    ],
    expect: {
      ended: 'caller_hangup', escalated: false, greeting: ['elena'], messages_min: 5,
      customer: { name: 'elena ruiz ', email: 'ELENA@example.com' }, scheduled_task: { task_type: 'callback', local_time: '14:00' },
    },
  });
  const overrideNow = async () => (await sql`select hours_override from agent_configs where is_active`)[0]?.hours_override ?? null;

  beforeAll(async () => {
    app = await startFakeVoiceApp(TOKEN, routes);
    target = { functionsUrl: `${app.baseUrl}/functions/v1`, dbUrl: DB_URL, stackDbUrl: DB_URL, authToken: TOKEN, accountSid: `AC${'b'.repeat(32)}`, toNumber: '+15550100000' };
  });
  afterAll(async () => {
    await resetCaller(sql, CALLER);
    await app?.close();
    await sql.end();
  });

  it('passes a scenario whose expectations hold, and restores the hours override', async () => {
    const before = await overrideNow();
    const result = await playScenario(scenario, target);
    expect(result.failures).toEqual([]);
    expect(result).toMatchObject({ passed: true, ended: 'caller_hangup', conversation_id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(result.turns.map((t) => t.caller)).toEqual([null, 'Actually my name is Elena Ruiz.', 'Please call me back tomorrow at two.']);
    expect(overrideDuringCall).toBe('closed');
    expect(await overrideNow()).toBe(before);
  });

  it("starts each run from a clean slate for the caller's number", async () => {
    const result = await playScenario(scenario, target);
    expect(result.failures).toEqual([]);
    const [row] = await sql`select count(*)::int as n from conversations where from_number = ${CALLER}`;
    expect(row!.n).toBe(1);
  });

  it('fails on an application error, and still restores the hours override', async () => {
    const before = await overrideNow();
    failVoice = true;
    try {
      const result = await playScenario(scenario, target);
      expect(result.passed).toBe(false);
      expect(result.ended).toBe('error');
      expect(result.failures[0]).toMatch(/^application error: HTTP 500/);
    } finally {
      failVoice = false;
    }
    expect(await overrideNow()).toBe(before);
  });

  it("refuses a database that is not the stack's, before touching anything", async () => {
    const [before] = await sql`select count(*)::int as n from customers where phone_number = ${CALLER}`;
    await expect(playScenario(scenario, { ...target, stackDbUrl: 'postgresql://postgres:postgres@127.0.0.1:1/other' })).rejects.toThrow(UnsafeDatabaseError);
    const [after] = await sql`select count(*)::int as n from customers where phone_number = ${CALLER}`;
    expect(after!.n).toBe(before!.n);
  });
});
