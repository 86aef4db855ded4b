import { assert, assertEquals, assertMatch } from '../testing/assert.ts';
import type { BrainServices, TurnContext, TurnResult } from './types.ts';
import { createBrainChain, type NamedBrain } from './chain.ts';
import { MID_REPLY_APOLOGY, sentenceChunks, streamingOf } from './stream.ts';
import { demoConfig, makeContext } from './llm/testing/fixtures.ts';

const services: BrainServices = { searchKnowledge: () => Promise.resolve([]) };
const meta = { provider: 'x', latency_ms: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [] };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A provider that streams `words` with `gapMs` between them, then optionally fails. */
function streamer(name: string, words: string[], gapMs: number, failAfter?: number): NamedBrain {
  return {
    name,
    async turn(ctx: TurnContext, _s: BrainServices, signal?: AbortSignal, onText?: (t: string) => void): Promise<TurnResult> {
      for (const [i, w] of words.entries()) {
        if (failAfter === i) throw new Error('stream broke');
        await sleep(gapMs);
        if (signal?.aborted) throw new Error('aborted');
        onText?.(w);
      }
      return { reply: words.join(''), actions: {}, state: ctx.state, meta };
    },
  } as NamedBrain;
}

const hanging: NamedBrain = { name: 'hanging', turn: () => new Promise<TurnResult>(() => {}) };
const local: NamedBrain = {
  name: 'local',
  turn: (ctx) => Promise.resolve({ reply: 'We open at nine. Anything else?', actions: {}, state: ctx.state, meta }),
};

Deno.test('sentenceChunks: sentence-sized pieces that join back into the reply', () => {
  const reply = 'We open at 9 a.m. Eastern. Do you want a callback? Great!';
  const chunks = sentenceChunks(reply);
  assertEquals(chunks.join(''), reply);
  assert(chunks.length >= 3, `${chunks.length} chunks`);
  assertEquals(sentenceChunks('No punctuation at all'), ['No punctuation at all']);
});

Deno.test('a hanging provider falls through to the next within its first-token deadline', async () => {
  const brain = createBrainChain({ providers: [hanging], fallback: local, deadlineMs: 1000 });
  const ctx = makeContext('when do you open', { config: demoConfig({ turn_deadline_ms: 1000 }) });
  const t0 = performance.now();
  let firstAt = 0;
  const tokens: string[] = [];
  const res = await brain.stream(ctx, services, { onToken: (t) => {
    if (!firstAt) firstAt = performance.now() - t0;
    tokens.push(t);
  } });
  // The hanging provider gets the budget minus the local engine's reserve (200 ms of 1000).
  assert(firstAt >= 750 && firstAt < 1000, `first token after ${firstAt.toFixed(0)} ms`);
  assertEquals(tokens.join(''), 'We open at nine. Anything else?');
  assertEquals(res.meta.provider, 'local');
  assertEquals((res.meta as unknown as { failures: { provider: string; reason: string }[] }).failures.map((f) => [f.provider, f.reason]),
    [['hanging', 'timeout']]);
});

Deno.test('tokens reach the caller as the provider yields them, before it has finished', async () => {
  const brain = createBrainChain({ providers: [streamer('openai', ['Sure, ', 'we ', 'open ', 'at nine.'], 60)], fallback: local, deadlineMs: 4000 });
  const t0 = performance.now();
  const at: number[] = [];
  const res = await brain.stream(makeContext('hours?'), services, { onToken: () => at.push(performance.now() - t0) });
  const done = performance.now() - t0;
  assertEquals(at.length, 4);
  assert(at[0] < 150 && done >= 230, `first token ${at[0].toFixed(0)} ms, done ${done.toFixed(0)} ms`);
  assertEquals([res.reply, res.meta.provider, res.providerFailed], ['Sure, we open at nine.', 'openai', false]);
});

Deno.test('a provider that fails after its first token: the reply ends with an apology and the turn is marked', async () => {
  const brain = createBrainChain({ providers: [streamer('openai', ['We ', 'open ', 'at '], 20, 2)], fallback: local, deadlineMs: 4000 });
  const tokens: string[] = [];
  const res = await brain.stream(makeContext('hours?'), services, { onToken: (t) => tokens.push(t) });
  assertEquals(tokens.join(''), `We open ${MID_REPLY_APOLOGY}`);
  assertEquals(res.reply, tokens.join(''));
  assertEquals([res.providerFailed, res.meta.provider], [true, 'openai']);
});

Deno.test('a provider that goes silent mid-reply is cut off after the turn budget, with the apology', async () => {
  const stalls: NamedBrain = {
    name: 'openai',
    turn: (_c, _s, _sig?: AbortSignal, onText?: (t: string) => void) => {
      onText?.('Let me see. ');
      return new Promise<TurnResult>(() => {});
    },
  } as NamedBrain;
  const brain = createBrainChain({ providers: [stalls], fallback: local, deadlineMs: 600 });
  const t0 = performance.now();
  const res = await brain.stream(makeContext('hours?', { config: demoConfig({ turn_deadline_ms: 600 }) }), services, { onToken: () => {} });
  const ms = performance.now() - t0;
  assert(ms >= 550 && ms < 1000, `cut off after ${ms.toFixed(0)} ms`);
  assertMatch(res.reply, /^Let me see\. .*Sorry/);
  assertEquals(res.providerFailed, true);
});

Deno.test('stopped by the caller cutting in: no apology, no fallback', async () => {
  const brain = createBrainChain({ providers: [streamer('openai', ['One ', 'two ', 'three ', 'four '], 40)], fallback: local, deadlineMs: 4000 });
  const ac = new AbortController();
  const tokens: string[] = [];
  const res = await brain.stream(makeContext('count'), services, { signal: ac.signal, onToken: (t) => {
    tokens.push(t);
    if (tokens.length === 2) ac.abort();
  } });
  assertEquals(tokens, ['One ', 'two ']);
  assertEquals([res.reply, res.providerFailed], ['One two ', false]);
});

Deno.test('a brain that does not stream speaks its reply sentence by sentence', async () => {
  const tokens: string[] = [];
  const res = await streamingOf(local).stream(makeContext('hi'), services, { onToken: (t) => tokens.push(t) });
  assertEquals(tokens, ['We open at nine. ', 'Anything else?']);
  assertEquals(res.reply, 'We open at nine. Anything else?');
});
