/**
 * Whole calls from tests/scenarios played turn by turn through createLlmBrain and the real
 * vendor SDKs, against fake servers that answer the way a sensible model would (calling
 * capture_lead with what the caller just said, transfer_to_human when asked for a person).
 */
import assert from 'node:assert/strict';
import type { HistoryEntry, LeadFields, TurnActions } from '../types.ts';
import type { ChatModel } from './chat.ts';
import { createAnthropicChat } from './anthropic.ts';
import { createOpenAiChat } from './openai.ts';
import { createLlmBrain } from './tool_loop.ts';
import { anthropicLastInput, startFakeAnthropic } from './testing/fake_anthropic.ts';
import { openAiLastInput, startFakeOpenAi } from './testing/fake_openai.ts';
import type { FakeReply, FakeServer, LastInput } from './testing/fake_server.ts';
import { FAKE_TOOLS } from './testing/fake_tools.ts';
import { demoConfig, extendHistory, makeContext, noServices } from './testing/fixtures.ts';

const SCENARIO_DIR = new URL('../../../../../tests/scenarios/', import.meta.url);

async function readScenario(file: string): Promise<Scenario> {
  return JSON.parse(await Deno.readTextFile(new URL(file, SCENARIO_DIR)));
}

interface Scenario {
  name: string;
  caller: string;
  given?: { hours?: 'open' | 'closed' };
  turns: { say?: string }[];
  expect: { ended?: string; transfer_to?: string; escalated?: boolean; customer?: Record<string, string> };
}

/** A sensible model, vendor-neutral: what it does with the caller's latest words. */
const RULES: {
  when: RegExp;
  calls?: (m: RegExpMatchArray) => { name: string; arguments: Record<string, unknown> }[];
  say: string;
}[] = [
  {
    when: /(real )?(person|human|someone)/i,
    calls: () => [{ name: 'transfer_to_human', arguments: { reason: 'caller asked for a person' } }],
    say: 'Of course, connecting you now.',
  },
  {
    when: /interested in (an? )?(.+?)\.?$/i,
    calls: (m) => [{ name: 'capture_lead', arguments: { need: m[2] } }],
    say: 'Happy to help with that. May I have your name?',
  },
  {
    when: /my name is (.+?)\.?$/i,
    calls: (m) => [{ name: 'capture_lead', arguments: { name: m[1] } }],
    say: "Thanks. What's the name of your practice?",
  },
  {
    when: /called (.+?)\.?$/i,
    calls: (m) => [{ name: 'capture_lead', arguments: { company: m[1] } }],
    say: "And what's the best email for you?",
  },
  {
    when: /(\w+) at ([\w ]+?) dot (\w+)/i,
    calls: (
      m,
    ) => [{
      name: 'capture_lead',
      arguments: { email: `${m[1]}@${m[2].replace(/\s+/g, '')}.${m[3]}`.toLowerCase() },
    }],
    say: 'Got it. Is there anything else?',
  },
  {
    when: /that's everything|bye/i,
    calls: () => [{ name: 'end_call', arguments: {} }],
    say: 'Thanks for calling, someone will be in touch soon. Goodbye!',
  },
];

function sensibleModel(input: LastInput): FakeReply {
  const rule = RULES.find((r) => r.when.test(input.callerText));
  if (input.kind === 'tool_results' || !rule?.calls) {
    return { kind: 'text', text: rule?.say ?? 'Could you tell me a bit more?' };
  }
  return { kind: 'tools', calls: rule.calls(input.callerText.match(rule.when)!) };
}

const VENDORS: Record<
  string,
  {
    start: () => FakeServer;
    model: (url: string) => ChatModel;
    lastInput: (b: Record<string, unknown>) => LastInput;
  }
> = {
  openai: {
    start: startFakeOpenAi,
    model: (url) => createOpenAiChat({ apiKey: 'sk-test', model: 'gpt-4o-mini', baseURL: url }),
    lastInput: openAiLastInput,
  },
  anthropic: {
    start: startFakeAnthropic,
    model: (url) => createAnthropicChat({ apiKey: 'sk-ant-test', model: 'claude-haiku-4-5', baseURL: url }),
    lastInput: anthropicLastInput,
  },
};

async function play(vendor: string, file: string) {
  const scenario = await readScenario(file);
  const v = VENDORS[vendor];
  const fake = v.start();
  fake.converse((body) => sensibleModel(v.lastInput(body)));
  try {
    const brain = createLlmBrain({ name: vendor, model: v.model(fake.url), tools: FAKE_TOOLS });
    const config = demoConfig({ hours_override: scenario.given?.hours ?? null });
    let history: HistoryEntry[] = [{ role: 'agent', content: config.greeting, at: new Date().toISOString() }];
    let lead: LeadFields = {};
    let ended: TurnActions = {};
    let cost = 0;
    for (const [i, turn] of scenario.turns.entries()) {
      const ctx = makeContext(turn.say ?? { kind: 'silence' }, {
        history,
        turnIndex: i + 1,
        callerNumber: scenario.caller,
        config,
        withinHours: scenario.given?.hours !== 'closed',
      });
      const res = await brain.turn(ctx, noServices);
      assert.ok(res.reply.length > 0, `turn ${i + 1} has a reply`);
      assert.equal(res.meta.provider, vendor);
      cost += res.meta.cost_usd;
      lead = { ...lead, ...res.actions.lead };
      history = extendHistory(history, turn.say ?? '', res.reply);
      if (res.actions.transfer || res.actions.hangup) {
        ended = res.actions;
        break;
      }
    }
    const e = scenario.expect;
    for (const [k, want] of Object.entries(e.customer ?? {})) {
      const got = String(lead[k as keyof LeadFields] ?? '');
      if (k === 'email') assert.equal(got.toLowerCase(), want.toLowerCase(), `${scenario.name}: ${k}`);
      else assert.equal(got.trim().toLowerCase(), want.trim().toLowerCase(), `${scenario.name}: ${k}`);
    }
    if (e.escalated !== undefined) assert.equal(!!ended.transfer, e.escalated, `${scenario.name}: escalated`);
    if (e.transfer_to) assert.equal(ended.transfer?.phone, e.transfer_to);
    if (e.ended === 'transfer') assert.ok(ended.transfer);
    assert.ok(cost > 0, 'usage is priced');
    // Every request carried the call's facts, and never a team member's number.
    for (const r of fake.requests) {
      const b = JSON.stringify(r.body);
      assert.match(b, /open now/);
      assert.doesNotMatch(b, /\+1555010/);
    }
    return fake.requests.length;
  } finally {
    await fake.close();
  }
}

for (const vendor of Object.keys(VENDORS)) {
  Deno.test(`scenario 67-lead-capture through ${vendor}: name, company and email captured`, async () => {
    const requests = await play(vendor, '67-lead-capture.json');
    assert.equal(requests, 10, 'five turns, each a tool call and an answer');
  });
  Deno.test(`scenario 69-ask-for-human through ${vendor}: transferred to the default person`, async () => {
    assert.equal(await play(vendor, '69-ask-for-human.json'), 2);
  });
}
