import { assert, assertEquals, assertMatch } from '../../testing/assert.ts';
import { analyseLocally, callSentiment } from './local.ts';
import type { CallRecord } from './record.ts';

const config = {
  timezone: 'America/New_York',
  escalation_rules: {
    topics: {
      sales: ['quote', 'pricing', 'get started'],
      billing: ['invoice', 'charged'],
      complaint: ['terrible', 'unacceptable'],
    },
  },
} as unknown as CallRecord['config'];

function call(over: Partial<CallRecord> = {}): CallRecord {
  return {
    id: '00000000-0000-0000-0000-000000000001',
    direction: 'inbound',
    status: 'completed',
    outcome: null,
    escalated: false,
    transferStatus: null,
    durationSeconds: 95,
    startedAt: '2026-11-25T15:00:00Z',
    analysedAt: null,
    customerId: null,
    customer: null,
    config,
    turns: [],
    callback: null,
    message: null,
    ...over,
  };
}

const turns = (...said: string[]): CallRecord['turns'] =>
  said.flatMap((
    s,
    i,
  ) => [{ turn: i + 1, role: 'caller' as const, kind: 'speech', content: s }, {
    turn: i + 1,
    role: 'agent' as const,
    kind: 'speech',
    content: 'Okay.',
  }]);

Deno.test('sentiment is on the seed scale: -1..1, two decimals, the last turn counting double', () => {
  assertEquals(callSentiment([]), 0);
  const happy = callSentiment(['Hi there', 'That is great, thank you so much, wonderful']);
  assert(happy > 0.5 && happy <= 1, `happy ${happy}`);
  const angry = callSentiment(['This is terrible and unacceptable, I am furious', 'Awful service']);
  assert(angry < -0.5 && angry >= -1, `angry ${angry}`);
  assertEquals(Math.round(happy * 100) / 100, happy);
});

Deno.test('a lead who books a callback scores high and the summary says who, what and what came of it', () => {
  const a = analyseLocally(call({
    outcome: 'callback_booked',
    customer: {
      name: 'Dana Whitfield',
      company: 'Orchard Dental',
      email: 'dana@orcharddental.com',
      need: 'an AI receptionist for three offices',
      timeline: 'next month',
      phone_number: '+15550101234',
    },
    turns: turns('Hi, I would like a quote for an AI receptionist', 'Great, thanks, tomorrow at 2 works'),
    callback: { scheduled_for: '2026-11-26T19:00:00Z', notes: null },
  }));
  assertEquals(a.outcome, 'callback_booked');
  assertEquals(a.provider, 'local');
  assert(a.lead_score >= 80, `score ${a.lead_score}`);
  assertEquals(
    a.summary,
    'Dana Whitfield from Orchard Dental called about an AI receptionist for three offices. ' +
      'A callback is booked for Thu, Nov 26, 2:00 PM EST.',
  );
  assertEquals(a.topics, ['sales']);
  assert(a.sentiment > 0);
});

Deno.test("lead fields missing from the customer row are found in the caller's words", () => {
  const a = analyseLocally(
    call({ turns: turns('my name is Priya Natarajan', 'my email is priya at example dot com') }),
  );
  assertEquals(a.fields.name, 'Priya Natarajan');
  assertEquals(a.fields.email, 'priya@example.com');
  assertEquals(a.outcome, 'lead_captured');
});

Deno.test('an angry billing caller who was transferred scores low', () => {
  const a = analyseLocally(
    call({
      outcome: 'escalated',
      escalated: true,
      transferStatus: 'no-answer',
      turns: turns('I was charged twice on my invoice, this is unacceptable'),
    }),
  );
  assert(a.sentiment < 0, `sentiment ${a.sentiment}`);
  assert(a.lead_score <= 10, `score ${a.lead_score}`);
  assertEquals(a.topics, ['billing', 'complaint']);
  assertMatch(
    a.summary,
    /^A caller called about billing and complaint\. They asked for a person and the transfer was not answered \(no-answer\)\.$/,
  );
});

Deno.test('a call with no words is abandoned with a neutral score of zero', () => {
  const a = analyseLocally(
    call({ turns: [{ turn: 0, role: 'agent', kind: 'speech', content: 'Thanks for calling.' }] }),
  );
  assertEquals([a.outcome, a.sentiment, a.lead_score], ['abandoned', 0, 0]);
  assertEquals(a.summary, 'A caller called. They hung up before saying anything.');
});

Deno.test('without a need or a topic, the summary quotes the first real question', () => {
  const a = analyseLocally(
    call({ outcome: 'answered', turns: turns('hi', 'Do you work with veterinary clinics?') }),
  );
  assertEquals(
    a.summary,
    'A caller called and said: "Do you work with veterinary clinics?" The agent answered their questions.',
  );
});

Deno.test('an outbound callback nobody picked up', () => {
  const a = analyseLocally(
    call({
      direction: 'outbound',
      outcome: 'abandoned',
      status: 'no-answer',
      customer: {
        name: 'Ravi Shah',
        company: null,
        email: null,
        need: null,
        timeline: null,
        phone_number: '+15550101111',
      },
    }),
  );
  assertEquals(a.summary, 'The agent called Ravi Shah back and did not reach them.');
});
