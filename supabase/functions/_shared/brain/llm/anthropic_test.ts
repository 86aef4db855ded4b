import assert from 'node:assert/strict';
import { createAnthropicChat, toAnthropicMessages } from './anthropic.ts';
import { LlmError, MissingSettingError } from './errors.ts';
import { startFakeAnthropic } from './testing/fake_anthropic.ts';
import type { ChatRequest } from './chat.ts';

interface SentBody {
  stream: boolean;
  system: string;
  max_tokens: number;
  messages: { role: string; content: { type: string; is_error?: boolean }[] }[];
  tools: unknown[];
  tool_choice: unknown;
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
  fn: (
    f: ReturnType<typeof startFakeAnthropic>,
    chat: ReturnType<typeof createAnthropicChat>,
  ) => Promise<void>,
) {
  const fake = startFakeAnthropic();
  try {
    await fn(
      fake,
      createAnthropicChat({
        apiKey: 'sk-ant-test',
        model: 'claude-haiku-4-5',
        baseURL: fake.url,
        timeoutMs: 5000,
      }),
    );
  } finally {
    await fake.close();
  }
}

Deno.test('anthropic: streams text, reports deltas and usage, sends the documented request', () =>
  withFake(async (fake, chat) => {
    fake.script({
      kind: 'text',
      text: 'We are open nine to six, Monday to Friday.',
      usage: { input: 410, output: 15 },
    });
    const deltas: string[] = [];
    const res = await chat.complete(req({ onTextDelta: (d) => deltas.push(d) }));
    assert.equal(res.text, 'We are open nine to six, Monday to Friday.');
    assert.ok(deltas.length > 1);
    assert.equal(deltas.join(''), res.text);
    assert.deepEqual(res.usage, { input: 410, output: 15 });
    assert.equal(res.stopReason, 'end_turn');
    assert.equal(res.model, 'claude-haiku-4-5');
    const sent = fake.requests[0];
    assert.equal(sent.path, '/v1/messages');
    assert.ok(sent.headers['anthropic-version']);
    assert.ok(
      sent.headers.authorization === 'Bearer sk-ant-test' || sent.headers['x-api-key'] === 'sk-ant-test',
    );
    const body = sent.body as SentBody;
    assert.equal(body.stream, true);
    assert.equal(body.system, 'You are a phone agent.');
    assert.equal(typeof body.max_tokens, 'number');
    assert.equal(
      body.messages[0].role,
      'user',
      'a transcript that opens with the greeting gets a user turn first',
    );
    assert.deepEqual(body.tools[0], {
      name: 'capture_lead',
      description: 'Save lead details.',
      input_schema: tools[0].parameters,
    });
    assert.deepEqual(body.tool_choice, { type: 'auto' });
  }));

Deno.test('anthropic: reassembles tool_use input from input_json_delta, and maps tool results back', () =>
  withFake(async (fake, chat) => {
    fake.script(
      {
        kind: 'tools',
        text: 'Let me note that.',
        calls: [
          { name: 'capture_lead', arguments: { name: 'Dana Whitfield', company: 'Orchard Dental' } },
          { name: 'capture_lead', arguments: { email: 'dana@orcharddental.com' } },
        ],
      },
      { kind: 'text', text: 'Saved.' },
    );
    const res = await chat.complete(req());
    assert.equal(res.stopReason, 'tool_use');
    assert.equal(res.text, 'Let me note that.');
    assert.deepEqual(res.toolCalls.map((c) => c.arguments), [
      { name: 'Dana Whitfield', company: 'Orchard Dental' },
      { email: 'dana@orcharddental.com' },
    ]);
    assert.ok(res.toolCalls.every((c) => c.id.startsWith('toolu_')));
    const again = await chat.complete(req({
      messages: [
        ...req().messages,
        { role: 'assistant', content: res.text, toolCalls: res.toolCalls },
        ...res.toolCalls.map((c, i) => ({
          role: 'tool' as const,
          toolCallId: c.id,
          name: c.name,
          content: 'ok',
          isError: i === 1,
        })),
      ],
      toolChoice: 'none',
    }));
    assert.equal(again.text, 'Saved.');
    const body = fake.requests[1].body as SentBody;
    const last = body.messages.at(-1)!;
    assert.equal(last.role, 'user');
    assert.deepEqual(last.content.map((b) => [b.type, b.is_error]), [['tool_result', false], [
      'tool_result',
      true,
    ]]);
    assert.deepEqual(body.tool_choice, { type: 'none' });
  }));

Deno.test('anthropic: 429 rate_limit_error with retry-after; 500 api_error and 529 overloaded are server errors', () =>
  withFake(async (fake, chat) => {
    fake.script({ kind: 'rate_limit', retryAfterS: 3 }, { kind: 'server_error' }, { kind: 'overloaded' }, {
      kind: 'stream_error',
    });
    await assert.rejects(chat.complete(req()), (e: unknown) => {
      assert.ok(e instanceof LlmError);
      assert.equal(e.kind, 'rate_limited');
      assert.equal(e.vendorType, 'rate_limit_error');
      assert.equal(e.retryAfterMs, 3000);
      return true;
    });
    await assert.rejects(
      chat.complete(req()),
      (e: unknown) => e instanceof LlmError && e.kind === 'server' && e.vendorType === 'api_error',
    );
    await assert.rejects(
      chat.complete(req()),
      (e: unknown) => e instanceof LlmError && e.kind === 'server' && e.status === 529,
    );
    // `event: error` inside a 200 stream.
    await assert.rejects(
      chat.complete(req()),
      (e: unknown) => e instanceof LlmError && e.kind === 'server' && e.vendorType === 'overloaded_error',
    );
    assert.equal(fake.requests.length, 4, 'maxRetries: 0');
  }));

Deno.test('anthropic: hang and mid-stream stall are aborted by the deadline signal', () =>
  withFake(async (fake, chat) => {
    fake.script({ kind: 'hang' }, { kind: 'stall' });
    for (let i = 0; i < 2; i++) {
      const t0 = performance.now();
      await assert.rejects(
        chat.complete(req({ signal: AbortSignal.timeout(300) })),
        (e: unknown) => e instanceof LlmError && e.kind === 'aborted',
      );
      const ms = performance.now() - t0;
      assert.ok(ms >= 280 && ms < 1500, `aborted after ${ms.toFixed(0)} ms`);
    }
  }));

Deno.test('anthropic: an HTML page with status 200 is a bad_response', () =>
  withFake(async (fake, chat) => {
    fake.script({ kind: 'garbage' });
    await assert.rejects(chat.complete(req()), (e: unknown) =>
      e instanceof LlmError && e.kind === 'bad_response');
  }));

Deno.test('anthropic: a missing key is reported by name', () => {
  assert.throws(() => createAnthropicChat({ apiKey: undefined, model: 'claude-haiku-4-5' }), (e: unknown) => {
    assert.ok(e instanceof MissingSettingError);
    assert.deepEqual(e.names, ['ANTHROPIC_API_KEY']);
    return true;
  });
});

Deno.test('anthropic: message mapping merges turns, drops empty text, puts tool results first', () => {
  const out = toAnthropicMessages([
    { role: 'user', content: 'first' },
    { role: 'user', content: '  ' },
    { role: 'assistant', content: '', toolCalls: [{ id: 't1', name: 'end_call', arguments: {} }] },
    { role: 'user', content: 'and also' },
    { role: 'tool', toolCallId: 't1', name: 'end_call', content: 'done' },
  ]);
  assert.deepEqual(out.map((m) => [m.role, m.content.map((b) => b.type)]), [
    ['user', ['text']],
    ['assistant', ['tool_use']],
    ['user', ['tool_result', 'text']],
  ]);
});
