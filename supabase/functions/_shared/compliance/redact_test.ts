import { assertEquals } from '../testing/assert.ts';
import { passesLuhn, redactSensitive } from './redact.ts';

Deno.test('Luhn: known test card numbers pass, a changed digit fails', () => {
  for (const n of ['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '4222222222222']) {
    assertEquals(passesLuhn(n), true, n);
  }
  assertEquals(passesLuhn('4111111111111112'), false);
});

Deno.test('card numbers, as digits or words, grouped or not, are replaced by a marker', () => {
  const cases = [
    'my card is 4111 1111 1111 1111',
    'my card is 4111-1111-1111-1111 thanks',
    'card number 4111111111111111',
    'it is four one one one one one one one one one one one one one one one',
    'Amex 3782 822463 10005 expiring 04 27',
    'the number is 4111 1111 1111 1111 0427 123',
    'mi tarjeta es cuatro uno uno uno uno uno uno uno uno uno uno uno uno uno uno uno',
  ];
  for (const said of cases) {
    const r = redactSensitive(said);
    assertEquals(r.kinds, ['card'], said);
    assertEquals(/\d{4}/.test(r.text.replace('04 27', '')), false, r.text);
    assertEquals(r.text.includes('[card number removed]'), true, r.text);
  }
});

Deno.test('keyed digits of a card are replaced too', () => {
  assertEquals(redactSensitive('5555555555554444'), { text: '[card number removed]', kinds: ['card'] });
});

Deno.test('social security numbers: grouped 3-2-4, or nine digits said with "social"', () => {
  assertEquals(redactSensitive('it is 123-45-6789').text, 'it is [SSN removed]');
  assertEquals(redactSensitive('123 45 6789').kinds, ['ssn']);
  assertEquals(redactSensitive('my social is one two three four five six seven eight nine').text,
    'my social is [SSN removed]');
  assertEquals(redactSensitive('SSN 123456789').kinds, ['ssn']);
});

Deno.test('bank account and routing numbers said with their words', () => {
  assertEquals(redactSensitive('routing 021000021 account 12345678').text,
    'routing [bank number removed] account [bank number removed]');
  assertEquals(redactSensitive('mi cuenta es 000123456789').kinds, ['bank']);
  assertEquals(redactSensitive('my social is 219 09 9999 and routing number 021000021 account 4401 2299 87').text,
    'my social is [SSN removed] and routing number [bank number removed] account [bank number removed]');
});

Deno.test('what the agent needs stays: phone numbers, times, prices, quantities', () => {
  for (const said of [
    'call me at 555 123 4567 tomorrow at 2',
    'my number is +1 415 867 5309',
    'we have 12 locations and 250 staff',
    'is it $1,500 setup and 99 a month',
    'one or two people, maybe three',
    'call me back at five five five one two three four five six seven',
    'a 16 digit code 1234 5678 9012 3456', // fails Luhn: not a card
  ]) {
    assertEquals(redactSensitive(said), { text: said, kinds: [] }, said);
  }
});
