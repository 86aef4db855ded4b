import { assertEquals } from '../../testing/assert.ts';
import { extractNeed, needFromQuestions } from './need.ts';
import { askedTopics, questionTopic } from './asked.ts';

Deno.test('need: the words that say what the caller wants, without introductions or filler', () => {
  const cases: [string, string | null][] = [
    ["Sounds good. I'd like to get started. My name is Jamie Chen from Bright Smile Dental.", null],
    ["I'd like to sign up", null],
    ['Hi, I would like a quote for an AI receptionist', 'a quote for an AI receptionist'],
    ['We need something to answer our phones after hours', 'something to answer their phones after hours'],
    ["I'm interested in the Voice Agent Starter.", 'the Voice Agent Starter'],
    [
      'I want to automate appointment booking for my dental practice',
      'automating appointment booking for their dental practice',
    ],
    [
      "Hi, this is Dana from Orchard Dental, we're looking for an AI receptionist for three offices.",
      'an AI receptionist for three offices',
    ],
    ["I'd like to get started with the voice agent", 'the voice agent'],
    ['My name is Jamie Chen and I need help with missed calls', 'missed calls'],
    ["We need help answering calls when we're busy", "answering calls when they're busy"],
  ];
  for (const [said, need] of cases) assertEquals(extractNeed(said), need, said);
});

Deno.test('need: a plain answer to "what do you need" is taken whole, unless it says nothing', () => {
  const cases: [string, string | null][] = [
    [
      'Yeah, mostly booking appointments and answering after-hours calls.',
      'booking appointments and answering after-hours calls',
    ],
    ['Not sure yet', null],
    ["I'm Jamie from Bright Smile Dental.", null],
    ["Okay, sounds good, let's do it.", null],
    ['pricing of the voice agent', 'pricing of the voice agent'],
  ];
  for (const [said, need] of cases) assertEquals(extractNeed(said, { answer: true }), need, said);
  // Tidying a tidied need changes nothing (capture_lead tidies what the engine already extracted).
  for (
    const need of [
      'a quote for an AI receptionist',
      'automating appointment booking for their dental practice',
    ]
  ) {
    assertEquals(extractNeed(need, { answer: true }), need);
  }
});

Deno.test('need: inferred from what the caller asked earlier in the call', () => {
  const at = '2026-11-24T15:00:00Z';
  assertEquals(
    needFromQuestions([
      { role: 'agent', content: 'How can I help you today?', at },
      { role: 'caller', content: 'Hi, how much does the voice agent cost?', at },
      { role: 'agent', content: 'The Voice Agent Starter costs $1,500 one-time.', at },
    ]),
    'pricing of the voice agent',
  );
  assertEquals(needFromQuestions([{ role: 'caller', content: 'Can you hear me?', at }]), null);
});

Deno.test('question topics: what was asked about, as a note', () => {
  const cases: [string, string | null][] = [
    ['Hi, how much does the voice agent cost?', 'pricing of the voice agent'],
    ["What's the price of the Voice Agent Starter?", 'pricing of the Voice Agent Starter'],
    ['What does the Voice Agent Starter include?', "what's included in the Voice Agent Starter"],
    ['How long does setup take?', 'setup time'],
    ['Do you offer a free trial?', 'a free trial'],
    ['Do you work with veterinary clinics?', 'whether we work with veterinary clinics'],
    ['What are your hours?', 'opening hours'],
    ['Can you hear me?', null],
    ['Can I speak to someone in sales?', null],
  ];
  for (const [said, topic] of cases) assertEquals(questionTopic(said), topic, said);
  assertEquals(
    askedTopics(['How much is it?', 'I was charged twice', 'What does it cost?', 'Is there a contract?']),
    ['pricing', 'contract terms'],
  );
});
