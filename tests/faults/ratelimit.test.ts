/**
 * Rate limits on new calls, in Postgres (no Upstash) and in Upstash (the local REST server over a
 * real redis-server): a caller or a source over its limit is refused a new call and nothing is
 * stored for it; a caller whose number is flooded by a spoofer keeps its live call; a spoofed
 * X-Forwarded-For picks no bucket; with the limit store down calls go on.
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
const CALLER_LIMIT = 3;
const SOURCE_LIMIT = 6;
/** Long windows: a test never straddles two of them, so the counts are exact. */
const LIMITS = { RATE_LIMIT_CALLER: `${CALLER_LIMIT}/3600s`, RATE_LIMIT_SOURCE: `${SOURCE_LIMIT}/3600s` };

const refused = (verbs: ReturnType<typeof twimlOf>) =>
  verbs.map((v) => v.verb).join(',') === 'Say,Hangup' && /too many calls/i.test(saysOf(verbs).join(' '));

/** A distinct proxy address per test run, as the platform's proxy would append it. */
const proxy = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

function limitTests(store: 'postgres' | 'upstash', server: () => FunctionsServer, sql: () => Sql) {
  const via = (source: string, spoofed?: string) => ({ base: server().base,
    headers: { 'x-forwarded-for': spoofed ? `${spoofed}, ${source}` : source } });

  it(`${store}: a caller over the limit cannot start another call, and nothing is stored for it`, async () => {
    const caller = callerUnder(PREFIX);
    const source = via(proxy());
    const sids = Array.from({ length: CALLER_LIMIT + 1 }, () => newCallSid());
    const verdicts = [];
    for (const sid of sids) verdicts.push(refused(twimlOf(await post('twilio-voice?mode=gather', callParams(sid, caller), source))));
    expect(verdicts).toEqual([...Array(CALLER_LIMIT).fill(false), true]);
    expect((await callFacts(sql(), sids.at(-1)!)).conversations).toBe(0);
    const [customer] = await sql()<{ call_count: number }[]>`select call_count from customers where phone_number = ${caller}`;
    expect(customer!.call_count).toBe(CALLER_LIMIT);
    // Another caller through the same proxy is not affected.
    expect(refused(twimlOf(await post('twilio-voice?mode=gather', callParams(newCallSid(), callerUnder(PREFIX)), source)))).toBe(false);
  });

  it(`${store}: a spoofer flooding a victim's number does not cut the victim's live call`, async () => {
    const victim = callerUnder(PREFIX);
    const source = via(proxy());
    const live = newCallSid();
    let next = nextTurnOf(twimlOf(await post('twilio-voice?mode=gather', callParams(live, victim), source)), server().base);
    // The spoofer uses up the victim's new-call allowance and more.
    for (let i = 0; i < CALLER_LIMIT + 2; i++) await post('twilio-voice?mode=gather', callParams(newCallSid(), victim), source);
    for (let n = 1; n <= 4; n++) {
      const verbs = twimlOf(await post(next!, callParams(live, victim, { SpeechResult: 'What are your hours?' }), source));
      expect(refused(verbs)).toBe(false);
      next = nextTurnOf(verbs, server().base);
    }
    // Twilio retrying the live call's start is not a new call either.
    expect(refused(twimlOf(await post('twilio-voice?mode=gather', callParams(live, victim), source)))).toBe(false);
    expect(twimlOf(await post('twilio-status', callParams(live, victim, { CallStatus: 'completed' }), source))).toEqual([]);
    expect(await callFacts(sql(), live)).toMatchObject({ messages: 1 + 2 * 4, status: 'completed' });
  });

  it(`${store}: a source over its limit is refused whoever calls, and a spoofed X-Forwarded-For changes nothing`, async () => {
    const address = proxy();
    const verdicts: boolean[] = [];
    for (let i = 0; i < SOURCE_LIMIT + 2; i++) {
      // Each request claims another client address; the proxy's own entry (last) is what counts.
      const spoofed = `203.0.113.${i + 1}`;
      verdicts.push(refused(twimlOf(await post('twilio-voice?mode=gather', callParams(newCallSid(), callerUnder(PREFIX)),
        via(address, spoofed)))));
    }
    expect(verdicts).toEqual([...Array(SOURCE_LIMIT).fill(false), true, true]);
    // Claiming the full source's address as one's own client address does not land in its bucket.
    expect(refused(twimlOf(await post('twilio-voice?mode=gather', callParams(newCallSid(), callerUnder(PREFIX)),
      via(proxy(), address))))).toBe(false);
  });

  it(`${store}: unsigned requests are refused with 403 before they count against anyone`, async () => {
    const caller = callerUnder(PREFIX);
    const source = via(proxy());
    for (let i = 0; i < CALLER_LIMIT + 2; i++) {
      expect((await post('twilio-voice?mode=gather', callParams(newCallSid(), caller), { ...source, signature: 'Zm9yZ2Vk' })).status).toBe(403);
    }
    expect(refused(twimlOf(await post('twilio-voice?mode=gather', callParams(newCallSid(), caller), source)))).toBe(false);
  });
}

describe.skipIf(noStack)('rate limits on new calls', () => {
  let sql: Sql;
  let pgServer: FunctionsServer | undefined;
  beforeAll(async () => {
    sql = connect(env.dbUrl);
    pgServer = await startFunctionsServer(LIMITS);
  }, 120_000);
  afterAll(async () => {
    await pgServer?.stop();
    await removeCallers(sql, PREFIX);
    await sql.end();
  }, 30_000);

  limitTests('postgres', () => pgServer!, () => sql);

  describe.skipIf(skipWithout({ 'redis-server (apt-get install redis-server)': redisInstalled() }))('in Upstash', () => {
    let upstash: UpstashLocal | undefined;
    let upServer: FunctionsServer | undefined;
    beforeAll(async () => {
      upstash = await startUpstashLocal();
      upServer = await startFunctionsServer({ ...LIMITS, UPSTASH_REDIS_REST_URL: upstash.url,
        UPSTASH_REDIS_REST_TOKEN: upstash.token });
    }, 120_000);
    afterAll(async () => {
      await upServer?.stop();
      await upstash?.close();
    }, 30_000);

    limitTests('upstash', () => upServer!, () => sql);

    it('with Upstash unreachable the limits are off and calls go on', async () => {
      const down = await startFunctionsServer({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:9', UPSTASH_REDIS_REST_TOKEN: 'x',
        RATE_LIMIT_CALLER: '1/60s' });
      try {
        const caller = callerUnder(PREFIX);
        for (let i = 0; i < 3; i++) {
          expect(refused(twimlOf(await post('twilio-voice?mode=gather', callParams(newCallSid(), caller), { base: down.base })))).toBe(false);
        }
      } finally {
        await down.stop();
      }
    }, 60_000);
  });
});
