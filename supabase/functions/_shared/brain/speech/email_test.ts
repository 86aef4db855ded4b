import { deepStrictEqual as eq } from 'node:assert';
import { isEmail, parseSpokenEmail, speakEmail } from './email.ts';

Deno.test('parseSpokenEmail: addresses spoken as words', () => {
  const cases: [string, string | null][] = [
    ["It's dana at orchard dental dot com.", 'dana@orcharddental.com'],
    ['my email is jon dot smyth at g mail dot com', 'jon.smyth@gmail.com'],
    ['its jon at g mail dot com', 'jon@gmail.com'],
    ['j underscore smith 42 at yahoo dot co dot uk thanks', 'j_smith42@yahoo.co.uk'],
    ['d a n a at gmail dot com', 'dana@gmail.com'],
    ['r a j underscore mehta at bright smile dental dot com', 'raj_mehta@brightsmiledental.com'],
    ['bob dash jones at acme dash corp dot io', 'bob-jones@acme-corp.io'],
    ['sure, it is Dana@OrchardDental.com.', 'dana@orcharddental.com'],
    ['dana at orcharddental.com', 'dana@orcharddental.com'],
    ['d-a-n-a at example dot org', 'dana@example.org'],
    ['I am at home right now', null],
    ['call me tomorrow at 2 pm', null],
    ["it's dana at orchard dental", null],
  ];
  for (const [spoken, want] of cases) eq(parseSpokenEmail(spoken), want, spoken);
});

Deno.test('isEmail and speakEmail', () => {
  eq([isEmail('a@b.co'), isEmail('a@b'), isEmail('a..b@c.com'), isEmail('@b.com')], [
    true,
    false,
    false,
    false,
  ]);
  eq(speakEmail('jon.smyth@gmail.com'), 'jon dot smyth at gmail dot com');
});
