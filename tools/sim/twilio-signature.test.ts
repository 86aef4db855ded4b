import { randomBytes } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import { sign } from './twilio-signature.ts';

const published = {
  token: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' },
};

describe('sign', () => {
  it("matches Twilio's published example", () => {
    expect(sign(published.url, published.params, published.token)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('signs the URL as written, so the same URL with :443 has its own signature', () => {
    const withPort = published.url.replace('mycompany.com', 'mycompany.com:443');
    expect(sign(withPort, published.params, published.token)).toBe('kvajT1Ptam85bY51eRf/AJRuM3w=');
  });

  it('sorts repeated names by value (published example)', () => {
    const pairs = [['Sid', 'CA123'], ['SidAccount', 'AC123'], ['Digits', '5678'], ['Digits', '1234']] as const;
    expect(sign(published.url, pairs, published.token)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
    expect(sign(published.url, { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234'] }, published.token)).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it("agrees with the twilio library's signer and validator on generated requests", () => {
    for (let i = 0; i < 300; i++) {
      const token = randomBytes(16).toString('hex');
      const url = randomUrl(i);
      const params = randomParams(i);
      const signature = sign(url, params, token);
      expect(signature).toBe(twilio.getExpectedTwilioSignature(token, url, params));
      expect(twilio.validateRequest(token, signature, url, params)).toBe(true);
      expect(twilio.validateRequest(token, signature, url, { ...params, Extra: 'x' })).toBe(false);
    }
  });
});

const alphabet = ['a', 'Z', '0', ' ', '+', '&', '=', '%', 'é', '€', '😀', '.', '-', '_', "'", '/'];
function randomText(n: number): string {
  return Array.from({ length: n }, () => alphabet[randomBytes(1)[0]! % alphabet.length]).join('');
}
function randomUrl(i: number): string {
  const query = i % 3 === 0 ? '' : `?n=${i}&q=${encodeURIComponent(randomText(5))}`;
  return `${i % 2 ? 'https' : 'http'}://127.0.0.1:${54000 + (i % 100)}/functions/v1/twilio-turn${query}`;
}
/** Distinct values per repeated name: twilio's signer drops duplicate values, Twilio's servers do not. */
function randomParams(i: number): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = { CallSid: `CA${randomBytes(16).toString('hex')}`, SpeechResult: randomText(i % 40), From: '+15555550123' };
  if (i % 4 === 0) params.Digits = [`${i}`, `${i + 1}`, `x${randomText(3)}`];
  if (i % 5 === 0) params[randomText(4)] = randomText(6);
  return params;
}
