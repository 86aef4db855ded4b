import assert from 'node:assert/strict';
import { createOpenAiChat } from './openai.ts';
import { LlmError, MissingSettingError } from './errors.ts';
import { startFakeOpenAi } from './testing/fake_openai.ts';
import type { ChatRequest } from './chat.ts';

interface SentBody {
  stream: boolean;
  stream_options: unknown;
  model: string;
  messages: { role: string; content?: unknown; tool_calls?: { function: { arguments: string } }[] }[];
  tools: unknown[];
  tool_choice: unknown;
  max_tokens?: number;
}

const tools = [{
  name: 'capture_lead',
  description: 'Save lead details.',
  parameters: { type: 'object', properties: { name: { type: 'string' } } },
}];
const req = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  system: 'You are a phone agent.',
  messages: [{ role: 'assistant', content: 'Hello, how can I help?' }, { role: 'user', content: 'Hi there' }],
  tools,
  ...over,
});

async function withFake(
  fn: (f: ReturnType<typeof startFakeOpenAi>, chat: ReturnType<typeof createOpenAiChat>) => Promise<void>,
) {
  const fake = startFakeOpenAi();
  try {
    await fn(
      fake,
      createOpenAiChat({ apiKey: 'sk-test-123', model: 'gpt-4o-mini', baseURL: fake.url, timeoutMs: 5000 }),
    );
  } finally {
    await fake.close();
  }
}

Deno.test('openai: streams text, reports deltas and usage, sends the documented request', () =>
  withFake(async (fake, chat) => {
    fake.script({
      kind: 'text',
      text: 'We are open nine to six, Monday to Friday.',
      usage: { input: 321, output: 12 },
    });
    const deltas: string[] = [];
    const res = await chat.complete(req({ onTextDelta: (d) => deltas.push(d) }));
    assert.equal(res.text, 'We are open nine to six, Monday to Friday.');
    assert.ok(deltas.length > 1, 'text arrives in several deltas');
    assert.equal(deltas.join(''), res.text);
    assert.deepEqual(res.usage, { input: 321, output: 12 });
    assert.equal(res.stopReason, 'stop');
    assert.deepEqual(res.toolCalls, []);
    const sent = fake.requests[0];
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, 'Bearer sk-test-123');
    const body = sent.body as SentBody;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.model, 'gpt-4o-mini');
    assert.deepEqual(body.messages[0], { role: 'system', content: 'You are a phone agent.' });
    assert.equal(body.messages.length, 3);
    assert.deepEqual(body.tools[0], { type: 'function', function: tools[0] });
    assert.equal(body.tool_choice, 'auto');
    assert.equal(typeof body.max_tokens, 'number', 'a non-OpenAI host gets max_tokens');
  }));

Deno.test('openai: reassembles parallel tool calls split across chunks, and maps tool results back', () =>
  withFake(async (fake, chat) => {
    fake.script(
      {
        kind: 'tools',
        text: 'One moment.',
        calls: [
          { name: 'capture_lead', arguments: { name: 'Dana Whitfield', company: 'Orchard Dental' } },
          { name: 'capture_lead', arguments: { email: 'dana@orcharddental.com' } },
        ],
      },
      { kind: 'text', text: 'Saved.' },
    );
    const res = await chat.complete(req());
    assert.equal(res.stopReason, 'tool_calls');
    assert.equal(res.text, 'One moment.');
    assert.deepEqual(res.toolCalls.map((c) => c.arguments), [
      { name: 'Dana Whitfield', company: 'Orchard Dental' },
      { email: 'dana@orcharddental.com' },
    ]);
    assert.ok(res.toolCalls.every((c) => c.name === 'capture_lead' && c.id.startsWith('call_')));
    // The follow-up request carries the assistant's tool calls and one tool message per call;
    // the fake rejects (400) any mismatch, as the real API does.
    const again = await chat.complete(req({
      messages: [
        ...req().messages,
        { role: 'assistant', content: res.text, toolCalls: res.toolCalls },
        ...res.toolCalls.map((c) => ({
          role: 'tool' as const,
          toolCallId: c.id,
          name: c.name,
          content: 'ok',
        })),
      ],
    }));
    assert.equal(again.text, 'Saved.');
    const body = fake.requests[1].body as SentBody;
    assert.equal(
      body.messages[3].tool_calls?.[0].function.arguments,
      JSON.stringify(res.toolCalls[0].arguments),
    );
    assert.equal(body.messages[4].role, 'tool');
  }));

Deno.test('openai: 429 is a retryable rate_limited error with retry-after; 500 and 503 are server errors', () =>
  withFake(async (fake, chat) => {
    fake.script({ kind: 'rate_limit', retryAfterS: 2 }, { kind: 'server_error' }, { kind: 'overloaded' }, {
      kind: 'stream_error',
    });
    await assert.rejects(chat.complete(req()), (e: unknown) => {
      assert.ok(e instanceof LlmError);
      assert.equal(e.kind, 'rate_limited');
      assert.equal(e.status, 429);
      assert.equal(e.retryAfterMs, 2000);
      assert.equal(e.retryable, true);
      assert.ok(!e.message.includes('sk-test'), 'no key in the message');
      return true;
    });
    for (const status of [500, 503]) {
      await assert.rejects(
        chat.complete(req()),
        (e: unknown) => e instanceof LlmError && e.kind === 'server' && e.status === status,
      );
    }
    // An error object inside a 200 stream.
    await assert.rejects(
      chat.complete(req()),
      (e: unknown) => e instanceof LlmError && e.kind === 'server' && e.vendorType === 'server_error',
    );
    assert.equal(fake.requests.length, 4, 'maxRetries: 0, one request each');
  }));

Deno.test('openai: a hanging server is aborted by the deadline signal', () =>
  withFake(async (fake, chat) => {
    fake.script({ kind: 'hang' });
    const t0 = performance.now();
    await assert.rejects(chat.complete(req({ signal: AbortSignal.timeout(300) })), (e: unknown) =>
      e instanceof LlmError && e.kind === 'aborted');
    const ms = performance.now() - t0;
    assert.ok(ms >= 280 && ms < 1500, `aborted after ${ms.toFixed(0)} ms`);
  }));

Deno.test('openai: a stream that stalls mid-way is an error, not a quiet empty answer', () =>
  withFake(async (fake, chat) => {
    fake.script({ kind: 'stall' });
    await assert.rejects(
      chat.complete(req({ signal: AbortSignal.timeout(300) })),
      (e: unknown) => e instanceof LlmError && e.kind === 'aborted',
    );
  }));

Deno.test('openai: an HTML page with status 200 is a bad_response; an empty stream is an empty answer', () =>
  withFake(async (fake, chat) => {
    fake.script({ kind: 'garbage' }, { kind: 'empty' });
    await assert.rejects(
      chat.complete(req()),
      (e: unknown) => e instanceof LlmError && e.kind === 'bad_response',
    );
    const res = await chat.complete(req());
    assert.equal(res.text, '');
    assert.deepEqual(res.toolCalls, []);
  }));

Deno.test('openai: a missing key or model is reported by name, before any request', () => {
  assert.throws(() => createOpenAiChat({ apiKey: undefined, model: 'gpt-4o-mini' }), (e: unknown) => {
    assert.ok(e instanceof MissingSettingError);
    assert.deepEqual(e.names, ['OPENAI_API_KEY']);
    return true;
  });
  assert.throws(
    () => createOpenAiChat({ apiKey: '', model: '', keyName: 'LLM_GROQ_API_KEY' }),
    /model, LLM_GROQ_API_KEY/,
  );
  // A local compatible server (Ollama) needs no key.
  assert.equal(
    createOpenAiChat({
      apiKey: undefined,
      model: 'llama3.1',
      baseURL: 'http://127.0.0.1:11434/v1',
      keyOptional: true,
    }).model,
    'llama3.1',
  );
});

Deno.test('openai: an unreachable server is a retryable network error', async () => {
  const fake = startFakeOpenAi();
  const url = fake.url;
  await fake.close();
  const chat = createOpenAiChat({ apiKey: 'k', model: 'm', baseURL: url });
  await assert.rejects(
    chat.complete(req()),
    (e: unknown) => e instanceof LlmError && e.kind === 'network' && e.retryable,
  );
});
