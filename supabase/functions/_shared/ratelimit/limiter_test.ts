import { assert, assertEquals } from '../testing/assert.ts';
import {
  callParams,
  newCaller,
  newCallSid,
  readTwiml,
  signedRequest,
  testRuntime,
} from '../testing/harness.ts';
import postgres from 'postgres';
import { memoryLogger } from '../runtime/log.ts';
import { startTestCall } from '../testing/calls.ts';
import { ConfigError } from '../runtime/config.ts';
import { twilioWebhook } from '../calls/webhook.ts';
import { document } from '../twilio/twiml.ts';
import { type CallLimiter, type RateLimitRequest, requestSource } from './limiter.ts';
import { upstashLimiter } from './upstash.ts';
import { limiterFromEnv, parseLimit } from './limits.ts';
import { postgresLimiter } from './postgres.ts';
import { needsDb, testSql } from '../testing/harness.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

Deno.test('a new call over the limit hears a short refusal and the handler never runs', async () => {
  const seen: RateLimitRequest[] = [];
  const limiter: CallLimiter = { allows: (r) => (seen.push(r), Promise.resolve(false)) };
  const { rt } = testRuntime({ limiter });
  let ran = 0;
  const handle = twilioWebhook(rt, 'twilio-voice', () => (ran++, Promise.resolve(document())), () => document());
  const from = newCaller();
  const callSid = newCallSid();
  const req = await signedRequest('twilio-voice', callParams(callSid, from));
  req.headers.set('x-forwarded-for', '203.0.113.7, 10.0.0.1');
  const res = await handle(req);
  assertEquals(res.status, 200);
  const doc = readTwiml(await res.text());
  assertEquals(doc.verbs, ['Say', 'Hangup']);
  assertEquals(ran, 0);
  assertEquals(seen, [{ fn: 'twilio-voice', callSid, caller: from, source: '10.0.0.1' }]);
  await rt.sql.end();
});

Deno.test('a call in progress is never refused: its turns and callbacks do not ask the limiter', async () => {
  let asked = 0;
  const { rt } = testRuntime({ limiter: { allows: () => (asked++, Promise.resolve(false)) } });
  for (const fn of ['twilio-turn', 'twilio-status']) {
    let ran = 0;
    const handle = twilioWebhook(rt, fn, () => (ran++, Promise.resolve(document())), () => document());
    const res = await handle(await signedRequest(`${fn}?n=1`, callParams(newCallSid(), newCaller(), { SpeechResult: 'hi' })));
    assertEquals([res.status, ran], [200, 1]);
  }
  assertEquals(asked, 0);
  await rt.sql.end();
});

Deno.test('an unsigned request is refused before any limit is counted', async () => {
  let counted = 0;
  const { rt } = testRuntime({ limiter: { allows: () => (counted++, Promise.resolve(true)) } });
  const handle = twilioWebhook(rt, 'twilio-voice', () => Promise.resolve(document()), () => document());
  const res = await handle(
    await signedRequest('twilio-voice', callParams(newCallSid(), newCaller()), { signature: null }),
  );
  assertEquals([res.status, counted], [403, 0]);
  await rt.sql.end();
});

Deno.test('the request source is what the nearest proxy saw (the last forwarded entry), never what the client wrote', () => {
  const r = (h: Record<string, string>) => requestSource(new Request('http://x/', { headers: h }));
  // A client that writes its own X-Forwarded-For only adds entries before the proxy's.
  assertEquals(r({ 'x-forwarded-for': '6.6.6.6, 198.51.100.2' }), '198.51.100.2');
  assertEquals(r({ 'x-forwarded-for': ' 198.51.100.2 ' }), '198.51.100.2');
  assertEquals(r({ 'x-real-ip': '198.51.100.3' }), 'direct');
  assertEquals(r({}), 'direct');
});

Deno.test('limits parse as requests/seconds; Upstash half-configured is a configuration error', () => {
  assertEquals(parseLimit('X', '30/60s'), { requests: 30, seconds: 60 });
  assertEquals(parseLimit('X', ' 5 / 10 '), { requests: 5, seconds: 10 });
  assert(
    String(thrown(() => parseLimit('RATE_LIMIT_CALLER', '30 per minute'))).includes('RATE_LIMIT_CALLER'),
  );
  const log = memoryLogger();
  assert(limiterFromEnv({}, testSql(), log));
  assertEquals(log.lines.map((l) => l.message), ['rate limits in Postgres (no Upstash)']);
  const err = thrown(() => limiterFromEnv({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1' }, testSql(), log));
  assert(err instanceof ConfigError);
  assertEquals(err.missing, ['UPSTASH_REDIS_REST_TOKEN']);
});

Deno.test({
  name: 'an unreachable Upstash lets calls through',
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const log = memoryLogger();
    const limiter = upstashLimiter({
      url: 'http://127.0.0.1:9',
      token: 't',
      log,
      timeoutMs: 300,
      caller: { requests: 1, seconds: 60 },
      source: { requests: 1, seconds: 60 },
    });
    const started = performance.now();
    assert(await limiter.allows({ fn: 'twilio-voice', callSid: newCallSid(), caller: '+15550100999', source: 'direct' }));
    assert(performance.now() - started < 1500, 'fails open quickly');
  },
});

Deno.test({ name: 'Postgres limits: per caller, per source, a started call never counted twice; a dead database lets calls in',
  ...needsDb, fn: async () => {
    const sql = testSql();
    const log = memoryLogger();
    const limiter = postgresLimiter({ sql, log, caller: { requests: 2, seconds: 3600 }, source: { requests: 3, seconds: 3600 } });
    const source = `198.51.100.${Math.floor(Math.random() * 200)}-${crypto.randomUUID()}`;
    const caller = newCaller();
    const start = (callSid: string, from = caller, src = source) =>
      limiter.allows({ fn: 'twilio-voice', callSid, caller: from, source: src });
    assertEquals([await start(newCallSid()), await start(newCallSid()), await start(newCallSid())], [true, true, false]);
    assertEquals(log.lines.at(-1)!.limit, 'caller');
    // The source has room for one more new call from another number, then none.
    assertEquals([await start(newCallSid(), newCaller()), await start(newCallSid(), newCaller())], [true, false]);
    // Without a proxy in front there is no source to count by: only the caller limit holds.
    const direct = await Promise.all(Array.from({ length: 5 }, () => start(newCallSid(), newCaller(), 'direct')));
    assertEquals(direct, [true, true, true, true, true]);
    // A call already stored (in progress, or its start retried) goes on whatever the counts say.
    const { rt } = testRuntime();
    const { callSid } = await startTestCall(rt, caller);
    assertEquals(await start(callSid), true);
    await rt.sql.end();
    const dead = postgresLimiter({ sql: postgres('postgresql://postgres:postgres@127.0.0.1:9/none', { connect_timeout: 1 }),
      log, timeoutMs: 300, caller: { requests: 1, seconds: 60 }, source: { requests: 1, seconds: 60 } });
    assertEquals(await dead.allows({ fn: 'twilio-voice', callSid: newCallSid(), caller, source }), true);
    await sql.end();
  } });
