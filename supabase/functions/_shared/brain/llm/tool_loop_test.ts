import assert from 'node:assert/strict';
import { createLlmBrain, type LlmTurnMeta } from './tool_loop.ts';
import { LlmError } from './errors.ts';
import { scriptedModel } from './testing/scripted_model.ts';
import { brokenScheduleCallback, FAKE_TOOLS, fakeCaptureLead } from './testing/fake_tools.ts';
import { makeContext, noServices } from './testing/fixtures.ts';
import { TOOL_FAILED } from './prompts.ts';
import { TOOL_FILLER, TOOL_FILLER_AFTER_MS } from './tool_loop.ts';

const prices = { 'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 } };

Deno.test('tool loop: the model calls capture_lead, then answers; actions and meta are reported', async () => {
  const model = scriptedModel([
    {
      toolCalls: [{ name: 'capture_lead', arguments: { name: 'Dana Whitfield', need: 'AI receptionist' } }],
      usage: { input: 1000, output: 40 },
    },
    { text: 'Thanks, Dana. **What is** the name of your practice?', usage: { input: 1100, output: 20 } },
  ]);
  const brain = createLlmBrain({ name: 'openai', model, tools: FAKE_TOOLS, prices });
  const res = await brain.turn(makeContext('My name is Dana Whitfield.'), noServices);
  assert.equal(
    res.reply,
    'Thanks, Dana. What is the name of your practice?',
    'markdown is stripped for speech',
  );
  assert.deepEqual(res.actions, { lead: { name: 'Dana Whitfield', need: 'AI receptionist' } });
  const meta = res.meta as LlmTurnMeta;
  assert.equal(meta.provider, 'openai');
  assert.deepEqual(meta.tools, ['capture_lead']);
  assert.equal(meta.tokens_in, 2100);
  assert.equal(meta.tokens_out, 60);
  assert.equal(meta.cost_usd, (2100 * 0.15 + 60 * 0.6) / 1e6);
  assert.equal(meta.rounds, 2);
  assert.ok(meta.latency_ms >= 0);
  // The second request carries the tool call and its result.
  const second = model.requests[1].messages;
  assert.equal(second.at(-2)?.role, 'assistant');
  assert.deepEqual(second.at(-1), {
    role: 'tool',
    toolCallId: 'call_1_0',
    name: 'capture_lead',
    content: 'Saved name, need.',
    isError: false,
  });
});

Deno.test('tool loop: a tool that throws becomes a sentence the model can act on', async () => {
  const model = scriptedModel([
    { toolCalls: [{ name: 'schedule_callback', arguments: { when: 'tomorrow at 2' } }] },
    "I'm sorry, I couldn't book that just now. Can I take a message instead?",
  ]);
  const brain = createLlmBrain({ name: 'openai', model, tools: [brokenScheduleCallback] });
  const res = await brain.turn(makeContext('Call me back tomorrow at 2.'), noServices);
  const toolMsg = model.requests[1].messages.at(-1);
  assert.deepEqual(toolMsg, {
    role: 'tool',
    toolCallId: 'call_1_0',
    name: 'schedule_callback',
    content: TOOL_FAILED('schedule_callback'),
    isError: true,
  });
  assert.ok(
    !JSON.stringify(toolMsg).includes('connection refused'),
    'internal errors do not reach the model',
  );
  assert.match(res.reply, /take a message/);
  assert.deepEqual(res.actions, {});
  assert.deepEqual(res.meta.tools, ['schedule_callback']);
});

Deno.test('tool loop: at most three model calls; the last one may not call tools', async () => {
  const call = { toolCalls: [{ name: 'capture_lead', arguments: { email: 'a@b.co' } }], text: 'Noted.' };
  const model = scriptedModel([call, call, call]);
  const brain = createLlmBrain({ name: 'anthropic', model, tools: [fakeCaptureLead] });
  const res = await brain.turn(makeContext("It's a at b dot co."), noServices);
  assert.equal(model.requests.length, 3);
  assert.deepEqual(model.requests.map((r) => r.toolChoice), ['auto', 'auto', 'none']);
  assert.equal(res.reply, 'Noted. Noted. Noted.');
  assert.deepEqual(res.actions.lead, { email: 'a@b.co' });
});

Deno.test('tool loop: unknown tools are answered, actions from several tools merge', async () => {
  const model = scriptedModel([
    {
      toolCalls: [
        { name: 'launch_rockets', arguments: {} },
        { name: 'transfer_to_human', arguments: { topic: 'billing', reason: 'asked for a person' } },
        { name: 'end_call', arguments: {} },
      ],
    },
    'Connecting you with Sam now.',
  ]);
  const res = await createLlmBrain({ name: 'openai', model, tools: FAKE_TOOLS }).turn(
    makeContext('Billing person please'),
    noServices,
  );
  assert.match(model.requests[1].messages[model.requests[1].messages.length - 3].role, /tool/);
  assert.equal(res.actions.transfer?.phone, '+15550100003');
  assert.equal(res.actions.hangup, true);
  assert.deepEqual(res.meta.tools, ['launch_rockets', 'transfer_to_human', 'end_call']);
});

Deno.test('tool loop: an empty or leaked-JSON answer is an error, so the chain moves on', async () => {
  for (const text of ['', '   ', '{"name":"capture_lead","arguments":{}}']) {
    const brain = createLlmBrain({ name: 'openai', model: scriptedModel([text]), tools: FAKE_TOOLS });
    await assert.rejects(
      brain.turn(makeContext('hello'), noServices),
      (e: unknown) => e instanceof LlmError && e.kind === 'bad_response',
    );
  }
});

Deno.test('tool loop: the deadline signal reaches the model; model errors propagate', async () => {
  const model = scriptedModel([new LlmError('openai', 'rate_limited', 429)]);
  const ac = new AbortController();
  await assert.rejects(
    createLlmBrain({ name: 'openai', model, tools: [] }).turn(makeContext('hi'), noServices, ac.signal),
    /rate_limited/,
  );
  assert.equal(model.requests[0].signal, ac.signal);
});

Deno.test('tool loop: unknown models cost 0 and configured prices match dated snapshots', async () => {
  const a = await createLlmBrain({ name: 'x', model: scriptedModel(['hi'], 'mystery-1'), tools: [] }).turn(
    makeContext('hi'),
    noServices,
  );
  assert.equal(a.meta.cost_usd, 0);
  const b = await createLlmBrain({
    name: 'x',
    model: scriptedModel([{ text: 'hi', usage: { input: 1e6, output: 0 } }], 'gpt-4o-mini-2024-07-18'),
    tools: [],
    prices,
  })
    .turn(makeContext('hi'), noServices);
  assert.equal(b.meta.cost_usd, 0.15);
});

Deno.test('tool loop, streaming: text goes out as it comes; a slow tool gets a spoken filler first', async () => {
  const said: string[] = [];
  const inner = scriptedModel([
    { text: 'Let me note that down.', toolCalls: [{ name: 'capture_lead', arguments: { need: 'HubSpot sync' } }] },
    { text: 'Done. Yes, we **integrate** with HubSpot.' },
  ]);
  // The scripted model, streaming its text in two pieces as an SDK would.
  const model = {
    ...inner,
    async complete(req: Parameters<typeof inner.complete>[0]) {
      const res = await inner.complete(req);
      const half = Math.ceil(res.text.length / 2);
      for (const piece of [res.text.slice(0, half), res.text.slice(half)]) if (piece) req.onTextDelta?.(piece);
      return res;
    },
  };
  const slowLead = {
    ...fakeCaptureLead,
    handler: async () => {
      await new Promise((r) => setTimeout(r, TOOL_FILLER_AFTER_MS + 300));
      return { ok: true, result: 'Saved need.', actions: { lead: { need: 'HubSpot sync' } } };
    },
  };
  const brain = createLlmBrain({ name: 'openai', model, tools: [slowLead], prices });
  const res = await brain.turn(makeContext('Do you work with HubSpot?'), noServices, undefined, (t) => said.push(t));
  assert.equal(said.join(''), `Let me note that down. ${TOOL_FILLER}Done. Yes, we integrate with HubSpot.`);
  assert.deepEqual(res.actions, { lead: { need: 'HubSpot sync' } });
  assert.ok(said.length >= 5, 'several pieces, not one');
  assert.equal(res.reply, said.join('').trim(), 'the stored reply is what was spoken');
});
