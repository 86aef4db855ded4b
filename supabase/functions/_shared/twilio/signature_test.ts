import { assert, assertEquals } from '../testing/assert.ts';
import twilio from 'twilio';
import fc from 'fast-check';
import { computeSignature, isValidSignature } from './signature.ts';

const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const params: [string, string][] = [
  ['CallSid', 'CA1234567890ABCDE'],
  ['Caller', '+14158675309'],
  ['Digits', '1234'],
  ['From', '+14158675309'],
  ['To', '+18005551212'],
];

Deno.test("Twilio's published example signs to RSOYDt4T1cUTdK1PDd93/VVr8B8=", async () => {
  assertEquals(await computeSignature('12345', url, params), 'RSOYDt4T1cUTdK1PDd93/VVr8B8=');
});

Deno.test('the same URL written with :443 has its own published signature, and both validate', async () => {
  const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
  assertEquals(await computeSignature('12345', withPort, params), 'kvajT1Ptam85bY51eRf/AJRuM3w=');
  assert(await isValidSignature('12345', 'kvajT1Ptam85bY51eRf/AJRuM3w=', url, params));
  assert(await isValidSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', withPort, params));
});

Deno.test('repeated parameter names sort their values (published example)', async () => {
  const repeated: [string, string][] = [['Sid', 'CA123'], ['SidAccount', 'AC123'], ['Digits', '5678'], ['Digits', '1234']];
  assertEquals(await computeSignature('12345', url, repeated), 'IK+Dwps556ElfBT0I3Rgjkr1wJU=');
});

Deno.test('a forged, missing or tampered signature is refused', async () => {
  assertEquals(await isValidSignature('12345', null, url, params), false);
  assertEquals(await isValidSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8', url, params), false);
  assertEquals(await isValidSignature('wrong', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params), false);
  const tampered: [string, string][] = [...params.slice(0, 4), ['To', '+18005551213']];
  assertEquals(await isValidSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, tampered), false);
});

Deno.test("agrees with the twilio package's validateRequest on generated requests", async () => {
  const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,11}$/);
  await fc.assert(
    fc.asyncProperty(
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.webUrl({ withQueryParameters: true }),
      fc.dictionary(name, fc.string({ maxLength: 30 }), { maxKeys: 8 }),
      async (token, pageUrl, dict) => {
        const pairs = Object.entries(dict) as [string, string][];
        const signature = await computeSignature(token, pageUrl, pairs);
        assert(twilio.validateRequest(token, signature, pageUrl, dict), `oracle disagrees for ${pageUrl}`);
        assert(await isValidSignature(token, signature, pageUrl, pairs));
      },
    ),
    { numRuns: 300 },
  );
});
