import { assertEquals } from '../../testing/assert.ts';
import { safeName, who } from './format.ts';

Deno.test('names from calls reach subjects without header breaks, links or bait', () => {
  assertEquals(who({ name: 'Dana Whitfield', company: "O'Brien & Sons" }), "Dana Whitfield (O'Brien & Sons)");
  assertEquals(who({ name: 'José Núñez-García' }), 'José Núñez-García');
  // Header injection: a new line and a Bcc header in a "name".
  assertEquals(who({ name: 'Eve\r\nBcc: everyone@example.com' }), 'Eve');
  // Phishing: a link and a payment demand in the company.
  assertEquals(who({ name: 'Sam', company: 'URGENT verify at https://evil.example/login or paypal.me/x' }),
    'Sam (URGENT verify at or)');
  assertEquals(safeName('<script>alert(1)</script>'), '');
  assertEquals(safeName('x'.repeat(80)).length, 40);
  // Nothing left of a name: the number stands in.
  assertEquals(who({ name: 'http://evil.example', phone_number: '+15555550100' }), '+15555550100');
});
