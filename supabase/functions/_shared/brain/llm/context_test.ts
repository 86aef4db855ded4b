import assert from 'node:assert/strict';
import { buildMessages, buildSystemPrompt } from './context.ts';
import { makeContext } from './testing/fixtures.ts';

Deno.test('system prompt: configured prompt, local time, hours, team topics, and no phone numbers', () => {
  const p = buildSystemPrompt(makeContext('hi'));
  assert.ok(p.startsWith('You are the phone assistant of LegacyAI'));
  assert.match(p, /Wednesday, November 25, 2026 at 10:30 AM \(America\/New_York\)/);
  assert.match(p, /open now/);
  assert.match(p, /Sam Patel: existing customers, billing/);
  assert.doesNotMatch(p, /\+1555|555010/);
  assert.match(p, /not known yet/);
});

Deno.test('system prompt: closed hours and a known caller', () => {
  const p = buildSystemPrompt(makeContext('hi', {
    withinHours: false,
    customer: {
      id: 'c1',
      phone_number: '+15555550109',
      name: 'Dana Whitfield',
      company: 'Orchard Dental',
      email: 'd@o.com',
      need: null,
      timeline: null,
    },
  }));
  assert.match(p, /closed now; do not transfer/);
  assert.match(p, /first name Dana\. Already on file \(never read back\): company, email\./);
  assert.doesNotMatch(p, /Orchard Dental|Whitfield|@/);
  assert.doesNotMatch(p, /d@o\.com/);
});

Deno.test('messages: history in order, then the input; keypad and silence are described', () => {
  const ctx = makeContext('What are your hours?');
  assert.deepEqual(buildMessages(ctx).map((m) => m.role), ['assistant', 'user']);
  assert.equal(buildMessages(ctx).at(-1)?.content, 'What are your hours?');
  assert.match(
    String(buildMessages(makeContext({ kind: 'digits', digits: '0' })).at(-1)?.content),
    /pressed 0/,
  );
  assert.match(String(buildMessages(makeContext({ kind: 'silence' })).at(-1)?.content), /said nothing/);
  const stored = makeContext('Hello?', {
    history: [{ role: 'agent', content: 'Hi!', at: '' }, { role: 'caller', content: 'Hello?', at: '' }],
  });
  assert.equal(buildMessages(stored).length, 2, 'input already stored in history is not repeated');
  const dial = buildMessages(
    makeContext({ kind: 'silence' }, { dialResult: { status: 'no-answer', to: '+15550100001' } }),
  );
  assert.match(String(dial.at(-2)?.content), /no-answer/);
  assert.doesNotMatch(JSON.stringify(dial), /15550100001/);
});
