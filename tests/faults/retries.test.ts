/**
 * Twilio retries a webhook it got no timely answer to, and its status callbacks may arrive twice
 * and out of order. Each retry must answer the same TwiML and store nothing twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { callerUnder, callParams, env, newCallSid, nextTurnOf, noStack, post, twimlOf } from './support/twilio.ts';
import { callFacts, connect, removeCallers } from './support/db.ts';

const PREFIX = '+1555078';

describe.skipIf(noStack)('Twilio retries and out-of-order callbacks', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = connect(env.dbUrl);
  });
  afterAll(async () => {
    await removeCallers(sql, PREFIX);
    await sql.end();
  });

  it('the same new call twice, also at once: one conversation, one greeting, the caller counted once', async () => {
    const callSid = newCallSid();
    const from = callerUnder(PREFIX);
    const params = callParams(callSid, from, { CallStatus: 'ringing' });
    const [a, b] = await Promise.all([post('twilio-voice?mode=gather', params), post('twilio-voice?mode=gather', params)]);
    const c = await post('twilio-voice?mode=gather', params);
    expect(twimlOf(a)).toEqual(twimlOf(b));
    expect(c.body).toBe(a.body);
    expect(await callFacts(sql, callSid)).toMatchObject({ conversations: 1, messages: 1 });
    const [customer] = await sql<{ call_count: number }[]>`select call_count from customers where phone_number = ${from}`;
    expect(customer!.call_count).toBe(1);
  });

  it('the same turn twice, and twice at once: the same answer and one pair of messages per turn', async () => {
    const callSid = newCallSid();
    const from = callerUnder(PREFIX);
    twimlOf(await post('twilio-voice?mode=gather', callParams(callSid, from)));
    const turn1 = callParams(callSid, from, { SpeechResult: 'How much does the Voice Agent Starter cost?', Confidence: '0.9' });
    const first = await post('twilio-turn?n=1', turn1);
    const retry = await post('twilio-turn?n=1', turn1);
    expect(retry.body).toBe(first.body);
    expect(nextTurnOf(twimlOf(first))).toBe('twilio-turn?n=2');

    const turn2 = callParams(callSid, from, { SpeechResult: 'Do you integrate with HubSpot?', Confidence: '0.9' });
    const both = await Promise.all([post('twilio-turn?n=2', turn2), post('twilio-turn?n=2', turn2),
      post('twilio-turn?n=2', turn2)]);
    for (const answer of both) expect(answer.body).toBe(both[0]!.body);
    // A retry of an older turn after a newer one still replays the older answer.
    expect((await post('twilio-turn?n=1', turn1)).body).toBe(first.body);
    expect(await callFacts(sql, callSid)).toMatchObject({ messages: 5, callerMessages: 2, agentMessages: 3, lastTurn: 2 });
  });

  it('a silence redirect retried: one silence turn', async () => {
    const callSid = newCallSid();
    const from = callerUnder(PREFIX);
    twimlOf(await post('twilio-voice?mode=gather', callParams(callSid, from)));
    const a = await post('twilio-turn?n=1&silence=1', callParams(callSid, from));
    const b = await post('twilio-turn?n=1&silence=1', callParams(callSid, from));
    expect(b.body).toBe(a.body);
    const [row] = await sql<{ silences: number; count: number }[]>`
      select count(*) filter (where m.kind = 'silence')::int as silences, count(*)::int as count
      from messages m join conversations c on c.id = m.conversation_id where c.call_sid = ${callSid}`;
    expect(row).toEqual({ silences: 1, count: 3 });
  });

  it('status callbacks twice and out of order: the call is closed once and never reopened', async () => {
    const callSid = newCallSid();
    const from = callerUnder(PREFIX);
    twimlOf(await post('twilio-voice?mode=gather', callParams(callSid, from)));
    twimlOf(await post('twilio-turn?n=1', callParams(callSid, from, { SpeechResult: 'What are your business hours?' })));
    const status = (s: string, extra: Record<string, string> = {}) =>
      post('twilio-status', callParams(callSid, from, { CallStatus: s, ...extra }));

    // 'completed' overtakes 'in-progress' and 'ringing'; then Twilio repeats 'completed' with another duration.
    for (const answer of await Promise.all([status('completed', { CallDuration: '42' }), status('completed', { CallDuration: '42' })])) {
      expect(twimlOf(answer)).toEqual([]);
    }
    const closed = await callFacts(sql, callSid);
    expect(closed).toMatchObject({ status: 'completed', messages: 3 });
    expect(closed.endedAt).not.toBeNull();
    for (const s of ['in-progress', 'ringing', 'completed', 'busy', 'failed']) {
      expect(twimlOf(await status(s, { CallDuration: '99' }))).toEqual([]);
    }
    const after = await callFacts(sql, callSid);
    expect(after).toMatchObject({ status: 'completed', messages: 3 });
    expect(after.endedAt).toEqual(closed.endedAt);
    const [row] = await sql<{ duration_seconds: number; outcome: string }[]>`
      select duration_seconds, outcome from conversations where call_sid = ${callSid}`;
    expect(row!.duration_seconds).toBe(42);
    expect(row!.outcome).toBeTruthy();
  });

  it('a status callback for a call never answered stores nothing', async () => {
    const callSid = newCallSid();
    const answer = await post('twilio-status', callParams(callSid, callerUnder(PREFIX), { CallStatus: 'completed' }));
    expect(twimlOf(answer)).toEqual([]);
    expect((await callFacts(sql, callSid)).conversations).toBe(0);
  });

  it('the <Dial> action retried: one result stored, the same answer', async () => {
    const callSid = newCallSid();
    const from = callerUnder(PREFIX);
    twimlOf(await post('twilio-voice?mode=gather', callParams(callSid, from)));
    const params = callParams(callSid, from, { DialCallStatus: 'no-answer', DialCallDuration: '0' });
    const a = await post('twilio-status/dial?n=1', params);
    const b = await post('twilio-status/dial?n=1', params);
    expect(b.body).toBe(a.body);
    expect(twimlOf(a).map((v) => v.verb)).toEqual(['Redirect']);
    const [row] = await sql<{ transfer_status: string }[]>`select transfer_status from conversations where call_sid = ${callSid}`;
    expect(row!.transfer_status).toBe('no-answer');
  });
});
