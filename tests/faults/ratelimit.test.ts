/**
 * Rate limiting with Upstash (the local REST server over a real redis-server): a caller over the
 * limit, or a source over its own, hears a short refusal and nothing else runs for them; status
 * callbacks are never refused; with Upstash down calls go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { callerUnder, callParams, env, newCallSid, nextTurnOf, noStack, post, saysOf, twimlOf } from './support/twilio.ts';
import { callFacts, connect, removeCallers } from './support/db.ts';
import { startFunctionsServer, type FunctionsServer } from './support/functions.ts';
import { startUpstashLocal, type UpstashLocal } from '../../tools/upstash-local/local.ts';
import { redisInstalled } from '../../tools/upstash-local/redis.ts';
import { skipWithout } from '../support/stack-env.ts';

const PREFIX = '+1555075';
const CALLER_LIMIT = 4;
const SOURCE_LIMIT = 6;

describe.skipIf(noStack || skipWithout({ 'redis-server (apt-get install redis-server)': redisInstalled() }))('rate limits (Upstash)', () => {
  let sql: Sql;
  let upstash: UpstashLocal | undefined;
  let fn: FunctionsServer | undefined;

  beforeAll(async () => {
    sql = connect(env.dbUrl);
    upstash = await startUpstashLocal();
    fn = await startFunctionsServer({ UPSTASH_REDIS_REST_URL: upstash.url, UPSTASH_REDIS_REST_TOKEN: upstash.token,
      RATE_LIMIT_CALLER: `${CALLER_LIMIT}/60s`, RATE_LIMIT_SOURCE: `${SOURCE_LIMIT}/60s` });
  }, 120_000);

  afterAll(async () => {
    await fn?.stop();
    await upstash?.close();
    await removeCallers(sql, PREFIX);
    await sql.end();
  }, 30_000);

  const from = (source: string) => ({ base: fn!.base, headers: { 'x-forwarded-for': source } });
  const refused = (verbs: ReturnType<typeof twimlOf>) =>
    verbs.map((v) => v.verb).join(',') === 'Say,Hangup' && /too many calls/i.test(saysOf(verbs).join(' '));

  it('a caller over the limit hears a refusal, and neither the turn nor a new call is stored', async () => {
    const caller = callerUnder(PREFIX);
    const source = from('198.51.100.10');
    const call = newCallSid();
    let next = nextTurnOf(twimlOf(await post('twilio-voice', callParams(call, caller), source)), fn!.base);
    for (let n = 1; n < CALLER_LIMIT; n++) {
      const verbs = twimlOf(await post(next!, callParams(call, caller, { SpeechResult: 'What are your hours?' }), source));
      expect(refused(verbs)).toBe(false);
      next = nextTurnOf(verbs, fn!.base);
    }
    const over = twimlOf(await post(next!, callParams(call, caller, { SpeechResult: 'And your prices?' }), source));
    expect(refused(over)).toBe(true);
    const again = newCallSid();
    expect(refused(twimlOf(await post('twilio-voice', callParams(again, caller), source)))).toBe(true);
    // Status callbacks still close the call.
    expect(twimlOf(await post('twilio-status', callParams(call, caller, { CallStatus: 'completed' }), source))).toEqual([]);

    expect(await callFacts(sql, call)).toMatchObject({ messages: 1 + 2 * (CALLER_LIMIT - 1), status: 'completed' });
    expect((await callFacts(sql, again)).conversations).toBe(0);
    const [customer] = await sql<{ call_count: number }[]>`select call_count from customers where phone_number = ${caller}`;
    expect(customer!.call_count).toBe(1);
    // Another caller from another source is not affected.
    const other = newCallSid();
    expect(refused(twimlOf(await post('twilio-voice', callParams(other, callerUnder(PREFIX)), from('198.51.100.11'))))).toBe(false);
  });

  it('a source over its limit is refused whoever the caller is', async () => {
    const source = from('203.0.113.50');
    const verdicts: boolean[] = [];
    const sids: string[] = [];
    for (let i = 0; i < SOURCE_LIMIT + 2; i++) {
      const sid = newCallSid();
      sids.push(sid);
      verdicts.push(refused(twimlOf(await post('twilio-voice', callParams(sid, callerUnder(PREFIX)), source))));
    }
    expect(verdicts).toEqual([...Array(SOURCE_LIMIT).fill(false), true, true]);
    const stored = await sql<{ n: number }[]>`select count(*)::int as n from conversations where call_sid = any(${sids})`;
    expect(stored[0]!.n).toBe(SOURCE_LIMIT);
  });

  it('unsigned requests are refused with 403 before they count against anyone', async () => {
    const caller = callerUnder(PREFIX);
    const source = from('192.0.2.77');
    for (let i = 0; i < CALLER_LIMIT + 2; i++) {
      expect((await post('twilio-voice', callParams(newCallSid(), caller), { ...source, signature: 'Zm9yZ2Vk' })).status).toBe(403);
    }
    expect(refused(twimlOf(await post('twilio-voice', callParams(newCallSid(), caller), source)))).toBe(false);
  });

  it('with Upstash unreachable the limits are off and calls go on', async () => {
    const down = await startFunctionsServer({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x',
      RATE_LIMIT_CALLER: '1/60s' });
    try {
      const caller = callerUnder(PREFIX);
      const call = newCallSid();
      let next = nextTurnOf(twimlOf(await post('twilio-voice', callParams(call, caller), { base: down.base })), down.base);
      for (let n = 1; n <= 3; n++) {
        const verbs = twimlOf(await post(next!, callParams(call, caller, { SpeechResult: 'What are your hours?' }), { base: down.base }));
        expect(refused(verbs)).toBe(false);
        next = nextTurnOf(verbs, down.base);
      }
      expect(await callFacts(sql, call)).toMatchObject({ messages: 7 });
    } finally {
      await down.stop();
    }
  }, 60_000);
});
