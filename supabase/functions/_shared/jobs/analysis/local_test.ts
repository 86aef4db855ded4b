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
      'Callback booked for Thu, Nov 26, 2:00 PM EST.',
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
    /^A caller called about billing and complaint\. They asked for a person; the transfer was not answered \(no-answer\)\.$/,
  );
});

Deno.test('a call with no words is abandoned with a neutral score of zero', () => {
  const a = analyseLocally(
    call({ turns: [{ turn: 0, role: 'agent', kind: 'speech', content: 'Thanks for calling.' }] }),
  );
  assertEquals([a.outcome, a.sentiment, a.lead_score], ['abandoned', 0, 0]);
  assertEquals(a.summary, 'A caller called. They hung up before saying anything.');
});

Deno.test('without a need or a topic, the summary names what the question was about', () => {
  const a = analyseLocally(
    call({ outcome: 'answered', turns: turns('hi', 'Do you work with veterinary clinics?') }),
  );
  assertEquals(
    a.summary,
    'A caller asked about whether we work with veterinary clinics. The agent answered their questions.',
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

const dialogue = (...lines: [CallRecord['turns'][number]['role'], string][]): CallRecord['turns'] =>
  lines.map(([role, content], i) => ({ turn: Math.floor((i + 1) / 2), role, kind: 'speech', content }));

Deno.test('the demo call: who, what they asked about and the lead, with no pasted sentences', () => {
  const a = analyseLocally(call({
    outcome: 'lead_captured',
    customer: {
      name: 'Jamie Chen',
      company: 'Bright Smile Dental',
      email: 'jamie@brightsmile.com',
      need: 'pricing of the voice agent',
      timeline: null,
      phone_number: '+15550109999',
    },
    turns: dialogue(
      ['agent', "Thanks for calling LegacyAI. I'm the virtual assistant. How can I help you today?"],
      ['caller', 'Hi, how much does the voice agent cost?'],
      ['agent', 'The Voice Agent Starter costs $1,500 one-time for setup, plus $99 a month.'],
      ['caller', "Sounds good. I'd like to get started. My name is Jamie Chen from Bright Smile Dental."],
      ['agent', "Thanks, Jamie. What's the best email address to reach you?"],
      ['caller', "It's jamie at brightsmile dot com."],
      ['agent', 'Got it: jamie at brightsmile dot com. And when are you hoping to get started?'],
      ['caller', "That's all, thank you. Bye."],
      ['agent', 'Thanks for calling, Jamie. Have a great day. Goodbye!'],
    ),
  }));
  assertEquals(
    a.summary,
    'Jamie Chen from Bright Smile Dental asked about pricing of the voice agent and wants to get started. ' +
      'Lead captured with email jamie@brightsmile.com.',
  );
  assert(!a.summary.includes('..'));
});

Deno.test('an old pasted need is tidied before it goes into the summary', () => {
  const a = analyseLocally(call({
    outcome: 'lead_captured',
    customer: {
      name: 'Jamie Chen',
      company: 'Bright Smile Dental',
      email: 'jamie@brightsmile.com',
      need: "Sounds good. I'd like to get started. My name is Jamie Chen from Bright Smile Dental.",
      timeline: null,
      phone_number: '+15550109999',
    },
    turns: turns("Sounds good. I'd like to get started. My name is Jamie Chen from Bright Smile Dental."),
  }));
  assertEquals(
    a.summary,
    'Jamie Chen from Bright Smile Dental called about sales and wants to get started. Lead captured with email jamie@brightsmile.com.',
  );
});

Deno.test('a transfer names the person the caller was connected with', () => {
  const a = analyseLocally(call({
    outcome: 'escalated',
    escalated: true,
    transferStatus: 'completed',
    customer: {
      name: 'Ravi Shah',
      company: 'Shah Plumbing',
      email: null,
      need: null,
      timeline: null,
      phone_number: '+15550101111',
    },
    turns: dialogue(
      ['caller', 'Does it integrate with HubSpot? Can I talk to someone in sales?'],
      ['agent', 'Of course. Connecting you with Sam now.'],
    ),
  }));
  assertEquals(a.summary, 'Ravi Shah from Shah Plumbing asked about integrations. Transferred to Sam.');
});

Deno.test('an after-hours callback says when and who will call', () => {
  const a = analyseLocally(call({
    outcome: 'callback_booked',
    customer: {
      name: 'Dana Whitfield',
      company: null,
      email: null,
      need: null,
      timeline: null,
      phone_number: '+15550101234',
    },
    turns: dialogue(
      ['caller', 'Do you offer a free trial? I want to speak to a person.'],
      [
        'agent',
        "Our team is away right now; we're open Monday to Friday, 9 AM to 6 PM. I can't put you through, " +
        'but I can have Sam Lee call you back.',
      ],
      ['caller', 'Tomorrow at 2 works.'],
      ['agent', "You're booked for a callback tomorrow at 2 PM."],
    ),
    // The task says Alex: the summary follows the task, not the agent's earlier words.
    callback: { scheduled_for: '2026-11-26T19:00:00Z', notes: null, assignee: 'Alex Rivera' },
  }));
  assertEquals(
    a.summary,
    'Dana Whitfield asked about a free trial. Called after hours; callback with Alex Rivera booked for Thu, Nov 26, 2:00 PM EST.',
  );
});
