import { deepStrictEqual as eq } from 'node:assert';
import { isE164, parsePhone, speakLastFour, speakPhone } from './phone.ts';
import { digitRuns } from './numbers.ts';

Deno.test('parsePhone: digits and words to E.164', () => {
  const cases: [string, string | null][] = [
    ['my number is 555-010-1234', '+15550101234'],
    ['(415) 555-0199', '+14155550199'],
    ['four one five five five five oh one nine nine', '+14155550199'],
    ['five five five, two one two, three four five six', '+15552123456'],
    ['call me at 1 800 555 1212', '+18005551212'],
    ['eight hundred five five five one two one two', '+18005551212'],
    ['five five five double two one two three four five', '+15552212345'],
    ['plus four four two oh seven nine four six oh nine five eight', '+442079460958'],
    ['+1 415 555 0199', '+14155550199'],
    ['five five five one two three four', null],
    ['oh sorry, I have no idea', null],
  ];
  for (const [spoken, want] of cases) eq(parsePhone(spoken), want, spoken);
});

Deno.test('digitRuns keeps separate numbers apart', () => {
  eq(digitRuns('I have two kids and five dogs'), ['2', '5']);
  eq(digitRuns('twenty three'), ['23']);
});

Deno.test('isE164, speakPhone, speakLastFour', () => {
  eq([isE164('+15550100001'), isE164('5550100001'), isE164('+0123'), isE164(null)], [
    true,
    false,
    false,
    false,
  ]);
  eq(speakPhone('+15552123456'), '555-212-3456');
  eq(speakPhone('+442079460958'), '+442079460958');
  eq(speakLastFour('+15555550104'), '0 1 0 4');
});

Deno.test('parsePhone: a full number restated after a correction wins', () => {
  eq(parsePhone('my number is 415 555 0101, actually make that 415 555 0199'), '+14155550199');
  eq(
    parsePhone(
      'four one five five five five oh one oh one, I mean four one five five five five oh one nine nine',
    ),
    '+14155550199',
  );
  eq(parsePhone('call me at 415 555 0101, actually, any time after noon'), '+14155550101');
});
