import { assert, assertEquals } from '../testing/assert.ts';
import {
  callParams,
  newCaller,
  newCallSid,
  readTwiml,
  signedRequest,
  testRuntime,
} from '../testing/harness.ts';
import { memoryLogger } from '../runtime/log.ts';
import { ConfigError } from '../runtime/config.ts';
import { twilioWebhook } from '../calls/webhook.ts';
import { document } from '../twilio/twiml.ts';
import { type CallLimiter, type RateLimitRequest, requestSource } from './limiter.ts';
import { limiterFromEnv, parseLimit, upstashLimiter } from './upstash.ts';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

Deno.test('a caller over the limit hears a short refusal and the handler never runs', async () => {
  const seen: RateLimitRequest[] = [];
  const limiter: CallLimiter = { allows: (r) => (seen.push(r), Promise.resolve(false)) };
  const { rt } = testRuntime({ limiter });
  let ran = 0;
  const handle = twilioWebhook(
    rt,
    'twilio-turn',
    () => (ran++, Promise.resolve(document())),
    () => document(),
  );
  const from = newCaller();
  const req = await signedRequest('twilio-turn?n=1', callParams(newCallSid(), from, { SpeechResult: 'hi' }));
  req.headers.set('x-forwarded-for', '203.0.113.7, 10.0.0.1');
  const res = await handle(req);
  assertEquals(res.status, 200);
  const doc = readTwiml(await res.text());
  assertEquals(doc.verbs, ['Say', 'Hangup']);
  assertEquals(ran, 0);
  assertEquals(seen, [{ fn: 'twilio-turn', caller: from, source: '203.0.113.7' }]);
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

Deno.test('the request source is the first forwarded address', () => {
  const r = (h: Record<string, string>) => requestSource(new Request('http://x/', { headers: h }));
  assertEquals(r({ 'x-forwarded-for': ' 198.51.100.2 , 10.0.0.1' }), '198.51.100.2');
  assertEquals(r({ 'x-real-ip': '198.51.100.3' }), '198.51.100.3');
  assertEquals(r({}), 'unknown');
});

Deno.test('limits parse as requests/seconds; Upstash half-configured is a configuration error', () => {
  assertEquals(parseLimit('X', '30/60s'), { requests: 30, seconds: 60 });
  assertEquals(parseLimit('X', ' 5 / 10 '), { requests: 5, seconds: 10 });
  assert(
    String(thrown(() => parseLimit('RATE_LIMIT_CALLER', '30 per minute'))).includes('RATE_LIMIT_CALLER'),
  );
  const log = memoryLogger();
  assertEquals(limiterFromEnv({}, log), undefined);
  assertEquals(log.lines.map((l) => l.message), ['no Upstash: no rate limiting']);
  const err = thrown(() => limiterFromEnv({ UPSTASH_REDIS_REST_URL: 'http://127.0.0.1:1' }, log));
  assert(err instanceof ConfigError);
  assertEquals(err.missing, ['UPSTASH_REDIS_REST_TOKEN']);
});

Deno.test({
  name: 'an unreachable limit store lets calls through, and status callbacks are never limited',
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
    assert(await limiter.allows({ fn: 'twilio-voice', caller: '+15550100999', source: 'unknown' }));
    assert(performance.now() - started < 1500, 'fails open quickly');
    assert(await limiter.allows({ fn: 'twilio-status', caller: '+15550100999', source: 'unknown' }));
  },
});
