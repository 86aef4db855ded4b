import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from '@upstash/redis';
import { Ratelimit } from '@upstash/ratelimit';
import { startUpstashLocal, type UpstashLocal } from './local.ts';
import { redisInstalled } from './redis.ts';
import { encodeCommand, parseReply } from './resp.ts';
import { skipWithout } from '../../tests/support/stack-env.ts';

describe('RESP framing', () => {
  it('encodes commands as arrays of bulk strings', () => {
    expect(encodeCommand(['SET', 'k', 'vé']).toString()).toBe('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\nvé\r\n');
  });
  it('parses nested replies and waits for a whole reply', () => {
    const buf = Buffer.from('*3\r\n:1\r\n$3\r\nabc\r\n*2\r\n+OK\r\n$-1\r\n');
    const parsed = parseReply(buf)!;
    expect(parsed.end).toBe(buf.length);
    expect(parsed.reply).toEqual([1, Buffer.from('abc'), ['OK', null]]);
    expect(parseReply(buf.subarray(0, buf.length - 3))).toBeNull();
  });
});

describe.skipIf(skipWithout({ 'redis-server (apt-get install redis-server)': redisInstalled() }))('the local Upstash REST server over redis-server', () => {
  let local: UpstashLocal;
  beforeAll(async () => {
    local = await startUpstashLocal();
  });
  afterAll(async () => {
    await local?.close();
  });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${local.url}${path}`, { method: 'POST', body: JSON.stringify(body),
      headers: { authorization: `Bearer ${local.token}`, ...headers } });

  it('answers @upstash/redis with and without auto-pipelining, base64-encoded', async () => {
    for (const enableAutoPipelining of [true, false]) {
      const redis = new Redis({ url: local.url, token: local.token, enableAutoPipelining });
      const key = `t:${enableAutoPipelining}`;
      expect(await redis.set(key, 'hé "quoted" & <tagged>', { ex: 60 })).toBe('OK');
      expect(await redis.get(key)).toBe('hé "quoted" & <tagged>');
      expect(await redis.incr(`${key}:n`)).toBe(1);
      expect(await redis.hset(`${key}:h`, { a: '1', b: 'two' })).toBe(2);
      expect(await redis.hgetall(`${key}:h`)).toEqual({ a: 1, b: 'two' });
      const p = redis.pipeline();
      p.incr(`${key}:n`);
      p.get(`${key}:missing`);
      expect(await p.exec()).toEqual([2, null]);
      const tx = redis.multi();
      tx.set(`${key}:m`, 'x');
      tx.get(`${key}:m`);
      expect(await tx.exec()).toEqual(['OK', 'x']);
    }
  });

  it('speaks the wire format: {result}, {error} with 400, arrays from /pipeline, 401 without the token', async () => {
    expect(await (await post('/', ['set', 'w', 'v'])).json()).toEqual({ result: 'OK' });
    expect(await (await post('/', ['get', 'w'], { 'upstash-encoding': 'base64' })).json())
      .toEqual({ result: Buffer.from('v').toString('base64') });
    const bad = await post('/', ['nosuchcommand']);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/unknown command/i);
    expect(await (await post('/pipeline', [['incr', 'pc'], ['lpush', 'pc', 'x'], ['get', 'w']])).json())
      .toEqual([{ result: 1 }, { error: expect.stringMatching(/WRONGTYPE/) }, { result: 'v' }]);
    expect(await (await fetch(`${local.url}/get/w`, { headers: { authorization: `Bearer ${local.token}` } })).json())
      .toEqual({ result: 'v' });
    for (const authorization of ['', 'Bearer wrong', local.token]) {
      const res = await fetch(`${local.url}/`, { method: 'POST', body: '["get","w"]', headers: { authorization } });
      expect(res.status).toBe(401);
    }
    expect((await post('/', { not: 'an array' })).status).toBe(400);
  });

  it('runs @upstash/ratelimit (Lua via EVALSHA, NOSCRIPT falls back to EVAL) with the limits it promises', async () => {
    const redis = new Redis({ url: local.url, token: local.token });
    await redis.scriptFlush();
    const sliding = new Ratelimit({ redis, limiter: Ratelimit.slidingWindow(3, '10 s'), prefix: 'test:sw', ephemeralCache: false });
    const fixed = new Ratelimit({ redis, limiter: Ratelimit.fixedWindow(2, '10 s'), prefix: 'test:fw', ephemeralCache: false });
    const bucket = new Ratelimit({ redis, limiter: Ratelimit.tokenBucket(1, '10 s', 2), prefix: 'test:tb', ephemeralCache: false });
    const run = async (rl: Ratelimit, n: number) => {
      const out: boolean[] = [];
      for (let i = 0; i < n; i++) out.push((await rl.limit('caller')).success);
      return out;
    };
    expect(await run(sliding, 5)).toEqual([true, true, true, false, false]);
    expect(await run(fixed, 3)).toEqual([true, true, false]);
    expect(await run(bucket, 3)).toEqual([true, true, false]);
    expect((await sliding.limit('someone-else')).success).toBe(true);
  });
});

describe('Lua scripts with Upstash-only shebang flags', () => {
  it('drops allow-key-locking and keeps the other flags', async () => {
    const { compatibleScript } = await import('./scripts.ts');
    expect(compatibleScript('#!lua flags=allow-key-locking\nreturn 1')).toBe('#!lua\nreturn 1');
    expect(compatibleScript('#!lua flags=no-writes,allow-key-locking\nreturn 1')).toBe('#!lua flags=no-writes\nreturn 1');
    expect(compatibleScript('return 1')).toBe('return 1');
  });
});
