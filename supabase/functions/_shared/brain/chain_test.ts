import assert from 'node:assert/strict';
import { buildProviders, type ChainTurnMeta, createBrainChain, type NamedBrain } from './chain.ts';
import type { BrainServices, TurnContext, TurnResult } from './types.ts';
import { LlmError } from './llm/errors.ts';
import { SAFE_REPLY } from './llm/prompts.ts';
import { startFakeOpenAi } from './llm/testing/fake_openai.ts';
import { startFakeAnthropic } from './llm/testing/fake_anthropic.ts';
import { FAKE_TOOLS } from './llm/testing/fake_tools.ts';
import { demoConfig, makeContext, noServices } from './llm/testing/fixtures.ts';

const meta = (provider: string) => ({
  provider,
  latency_ms: 1,
  tokens_in: 0,
  tokens_out: 0,
  cost_usd: 0,
  tools: [],
});
const answering = (name: string, reply = `${name} here`): NamedBrain => ({
  name,
  turn: (ctx: TurnContext) => Promise.resolve({ reply, actions: {}, state: ctx.state, meta: meta(name) }),
});
/** Never answers; gives up when the chain aborts its signal. */
const hanging = (name: string, seen: { aborted?: boolean } = {}): NamedBrain => ({
  name,
  turn: (_c: TurnContext, _s: BrainServices, signal?: AbortSignal) =>
    new Promise<TurnResult>((_, reject) =>
      signal?.addEventListener('abort', () => {
        seen.aborted = true;
        reject(new LlmError(name, 'aborted'));
      })
    ),
});
const failing = (name: string, err: unknown): NamedBrain => ({ name, turn: () => Promise.reject(err) });
const local = answering('local', 'Local engine answering.');

Deno.test('chain: a hanging provider is cut off at its share of the deadline and the next one answers', async () => {
  const seen: { aborted?: boolean } = {};
  const chain = createBrainChain({
    providers: [hanging('openai', seen), answering('anthropic')],
    fallback: local,
    deadlineMs: 2000,
  });
  const t0 = performance.now();
  const res = await chain.turn(makeContext('hi'), noServices);
  const ms = performance.now() - t0;
  assert.equal(res.reply, 'anthropic here');
  assert.equal(res.meta.provider, 'anthropic');
  assert.ok(seen.aborted, 'the hanging provider saw its signal abort');
  const m = res.meta as ChainTurnMeta;
  assert.deepEqual(m.failures.map((f) => [f.provider, f.reason]), [['openai', 'timeout']]);
  // Budget 2000 ms, 400 ms kept for the local engine, split between two providers: 800 ms.
  assert.ok(ms >= 780 && ms < 1200, `answered after ${ms.toFixed(0)} ms`);
  assert.ok(m.latency_ms >= 780 && m.latency_ms < 1200);
});

Deno.test('chain: a provider that ignores the signal is still abandoned in time', async () => {
  const deaf: NamedBrain = { name: 'deaf', turn: () => new Promise(() => {}) };
  const chain = createBrainChain({
    providers: [deaf],
    fallback: local,
    deadlineMs: 1000,
    fallbackReserveMs: 200,
  });
  const t0 = performance.now();
  const res = await chain.turn(makeContext('hi'), noServices);
  assert.equal(res.meta.provider, 'local');
  assert.ok(performance.now() - t0 < 1000);
});

Deno.test('chain: errors, empty and garbage answers fall through to local; meta lists why', async () => {
  const chain = createBrainChain({
    providers: [
      failing('openai', new LlmError('openai', 'rate_limited', 429, 'rate_limit_error')),
      answering('anthropic', '   '),
      answering('groq', '{"name":"end_call","arguments":{}}'),
      failing('weird', new Error('caller said: my card number is 4111')),
    ],
    fallback: local,
    deadlineMs: 3000,
  });
  const res = await chain.turn(makeContext('hi'), noServices);
  assert.equal(res.reply, 'Local engine answering.');
  assert.equal(res.meta.provider, 'local');
  const f = (res.meta as ChainTurnMeta).failures;
  assert.deepEqual(f.map((x) => [x.provider, x.reason]), [['openai', 'error'], ['anthropic', 'empty'], [
    'groq',
    'garbage',
  ], ['weird', 'error']]);
  assert.equal(f[0].detail, 'openai: rate_limited 429 rate_limit_error');
  assert.equal(f[3].detail, 'Error', 'foreign error messages are not kept');
});

Deno.test('chain: when local fails too, a safe reply; never an exception', async () => {
  const chain = createBrainChain({
    providers: [failing('openai', new Error('x'))],
    fallback: failing('local', new Error('db down')),
    deadlineMs: 1000,
  });
  const res = await chain.turn(makeContext('hi'), noServices);
  assert.equal(res.reply, SAFE_REPLY);
  assert.equal(res.meta.provider, 'safe');
  assert.deepEqual(res.actions, {});
  assert.deepEqual((res.meta as ChainTurnMeta).failures.map((x) => x.provider), ['openai', 'local']);
});

Deno.test('chain: with no time left for a provider it is skipped; the turn budget defaults to config', async () => {
  let now = 0;
  const slowStart: NamedBrain = {
    name: 'openai',
    turn: () => {
      now += 5000; // the clock jumps as if this provider took 5 s and then failed
      return Promise.reject(new LlmError('openai', 'server', 500));
    },
  };
  const chain = createBrainChain({
    providers: [slowStart, answering('anthropic')],
    fallback: local,
    clock: () => now,
  });
  const res = await chain.turn(
    makeContext('hi', { config: demoConfig({ turn_deadline_ms: 5500 }) }),
    noServices,
  );
  assert.equal(res.meta.provider, 'local');
  assert.deepEqual((res.meta as ChainTurnMeta).failures.map((x) => x.reason), ['error', 'no_time']);
});

Deno.test('buildProviders: order from config, missing keys skipped and reported by name, no secrets in warnings', () => {
  const config = demoConfig({
    providers: ['openai', 'anthropic', 'mystery', 'local', 'groq'],
    provider_settings: {
      openai: { model: 'gpt-4o-mini' },
      anthropic: { model: 'claude-haiku-4-5' },
      mystery: { model: 'x' },
    },
  });
  const env = { ANTHROPIC_API_KEY: 'sk-ant-secret' };
  const { providers, warnings } = buildProviders(config, env, { tools: FAKE_TOOLS, fallback: local });
  assert.deepEqual(providers, ['anthropic', 'local']);
  assert.ok(warnings.some((w) => w === 'openai skipped: OPENAI_API_KEY is not set'));
  assert.ok(warnings.some((w) => w.startsWith('mystery skipped: unknown provider')));
  assert.ok(warnings.some((w) => w.includes("after 'local' are never reached: groq")));
  assert.ok(!warnings.join('\n').includes('sk-ant-secret'));
});

Deno.test('buildProviders: a base_url from config never receives the env key; compatible servers by name', () => {
  const config = demoConfig({
    providers: ['openai', 'groq', 'ollama'],
    provider_settings: {
      openai: { model: 'gpt-4o-mini', base_url: 'https://proxy.example.com/v1' },
      groq: {
        model: 'llama-3.1-8b-instant',
        base_url: 'https://api.groq.com/openai/v1',
        compatible: 'openai',
      },
      ollama: { model: 'llama3.1', compatible: 'openai' },
    },
  });
  const { providers, warnings } = buildProviders(config, {
    OPENAI_API_KEY: 'sk-secret',
    LLM_GROQ_API_KEY: 'gsk',
    LLM_BASE_URL_ALLOWLIST: 'https://proxy.example.com, https://api.groq.com/',
  }, { tools: [], fallback: local });
  assert.deepEqual(providers, ['openai', 'groq', 'local']);
  assert.ok(warnings.includes('openai: OPENAI_API_KEY is not sent to provider_settings.openai.base_url'));
  assert.ok(warnings.includes('ollama skipped: provider_settings.ollama.base_url is not set'));
  // A local server named by the environment (Ollama, LM Studio) may run without a key.
  const local2 = buildProviders(
    demoConfig({ providers: ['openai'], provider_settings: { openai: { model: 'llama3.1' } } }),
    { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' },
    { tools: [], fallback: local },
  );
  assert.deepEqual(local2.providers, ['openai', 'local']);
  assert.deepEqual(local2.warnings, [
    'openai: OPENAI_API_KEY is not set; calling OPENAI_BASE_URL without a key',
  ]);
});

Deno.test('buildProviders: a base_url from config that is not allowed is never called (internal addresses)', () => {
  for (const base of ['http://169.254.169.254/latest/meta-data', 'http://127.0.0.1:54322/v1', 'http://10.0.0.5/v1',
    'https://proxy.example.com.evil.test/v1', 'file:///etc/passwd']) {
    const config = demoConfig({
      providers: ['openai', 'groq'],
      provider_settings: { openai: { model: 'm', base_url: base }, groq: { model: 'm', base_url: base, compatible: 'openai' } },
    });
    const { providers, warnings } = buildProviders(config, { OPENAI_API_KEY: 'sk-secret',
      LLM_BASE_URL_ALLOWLIST: 'https://proxy.example.com' }, { tools: [], fallback: local });
    assert.deepEqual(providers, ['local'], base);
    assert.ok(warnings.includes('openai skipped: provider_settings.openai.base_url is not an allowed host (LLM_BASE_URL_ALLOWLIST)'));
  }
  // The vendor's own API and the environment's base URL are always allowed.
  const own = buildProviders(demoConfig({ providers: ['openai'], provider_settings: { openai: { model: 'm',
    base_url: 'https://api.openai.com/v1' } } }), { OPENAI_API_KEY: 'sk' }, { tools: [], fallback: local });
  assert.deepEqual(own.providers, ['openai', 'local']);
});

Deno.test('chain: a provider whose turn throws synchronously is a failure, not a crash', async () => {
  const broken: NamedBrain = {
    name: 'broken',
    turn: () => {
      throw new TypeError('boom');
    },
  };
  // A clock that stands still: the failure's ms is the chain's arithmetic, not the machine's load.
  const res = await createBrainChain({ providers: [broken], fallback: local, deadlineMs: 1000, clock: () => 0 }).turn(
    makeContext('hi'),
    noServices,
  );
  assert.equal(res.meta.provider, 'local');
  assert.deepEqual((res.meta as ChainTurnMeta).failures, [{
    provider: 'broken',
    reason: 'error',
    detail: 'TypeError',
    ms: 0,
  }]);
});

Deno.test('chain through the real SDKs: OpenAI hangs, Anthropic answers within the deadline', async () => {
  const openai = startFakeOpenAi();
  const anthropic = startFakeAnthropic();
  try {
    openai.script({ kind: 'hang' });
    anthropic.script({ kind: 'text', text: "We're open nine to six Eastern, Monday to Friday." });
    const config = demoConfig({ turn_deadline_ms: 3000 });
    const env = {
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: openai.url,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: anthropic.url,
    };
    const { brain, providers, warnings } = buildProviders(config, env, {
      tools: FAKE_TOOLS,
      fallback: local,
    });
    assert.deepEqual(providers, ['openai', 'anthropic', 'local']);
    assert.deepEqual(warnings, []);
    const t0 = performance.now();
    const res = await brain.turn(makeContext('What are your hours?', { config }), noServices);
    const ms = performance.now() - t0;
    assert.equal(res.meta.provider, 'anthropic');
    assert.match(res.reply, /nine to six/);
    assert.deepEqual((res.meta as ChainTurnMeta).failures.map((f) => [f.provider, f.reason]), [[
      'openai',
      'timeout',
    ]]);
    assert.ok(res.meta.tokens_in > 0 && res.meta.cost_usd > 0);
    // 3000 ms budget, 600 ms reserve, two providers: OpenAI is cut at 1200 ms.
    assert.ok(ms >= 1150 && ms < 2000, `fell back and answered after ${ms.toFixed(0)} ms`);
    console.log(`fallback measured: hang -> anthropic answer in ${ms.toFixed(0)} ms (openai share 1200 ms)`);
    assert.equal(openai.requests.length, 1);
    assert.equal(anthropic.requests.length, 1);
  } finally {
    await openai.close();
    await anthropic.close();
  }
});

Deno.test('chain through the real SDKs: both vendors fail (429, 500) and local answers at once', async () => {
  const openai = startFakeOpenAi();
  const anthropic = startFakeAnthropic();
  try {
    openai.script({ kind: 'rate_limit' });
    anthropic.script({ kind: 'server_error' });
    const env = {
      OPENAI_API_KEY: 'k',
      OPENAI_BASE_URL: openai.url,
      ANTHROPIC_API_KEY: 'k',
      ANTHROPIC_BASE_URL: anthropic.url,
    };
    const { brain } = buildProviders(demoConfig(), env, { tools: FAKE_TOOLS, fallback: local });
    const t0 = performance.now();
    const res = await brain.turn(makeContext('hi'), noServices);
    assert.equal(res.meta.provider, 'local');
    assert.ok(performance.now() - t0 < 500);
    assert.deepEqual((res.meta as ChainTurnMeta).failures.map((f) => f.detail), [
      'openai: rate_limited 429 requests',
      'anthropic: server 500 api_error',
    ]);
  } finally {
    await openai.close();
    await anthropic.close();
  }
});
