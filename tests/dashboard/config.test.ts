import { describe, expect, it } from 'vitest';
import { hostedSignInUrl, readConfig } from '../../web/src/lib/server/config.ts';

const PEM = '-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----';

describe('readConfig', () => {
  it('names every missing or bad value at once', () => {
    expect(() => readConfig({ CLERK_JWT_KEY: 'nope', DASHBOARD_SESSION_SECRET: 'short' })).toThrow(
      'DATABASE_URL is not set; CLERK_JWT_KEY is not a PEM public key; CLERK_AUTHORIZED_PARTIES (or ORIGIN) is not set; DASHBOARD_SESSION_SECRET must be at least 32 characters',
    );
  });

  it('uses the local sign-in when opted into without Clerk keys, with a random secret', () => {
    const cfg = readConfig({ DATABASE_URL: 'postgres://x', DASHBOARD_LOCAL_SIGN_IN: '1' });
    expect(cfg.localSignIn).toBe(true);
    expect(cfg.clerk).toBeNull();
    expect(cfg.sessionSecretIsRandom).toBe(true);
    expect(cfg.sessionSecret.length).toBe(32);
  });

  it('reads Clerk settings, PEM newlines escaped or not; ORIGIN is the default party', () => {
    const cfg = readConfig({ DATABASE_URL: 'postgres://x', CLERK_JWT_KEY: PEM.replace(/\n/g, '\\n'), ORIGIN: 'https://dash.example.com' });
    expect(cfg.clerk?.jwtKey).toBe(PEM);
    expect(cfg.clerk?.authorizedParties).toEqual(['https://dash.example.com']);
    const two = readConfig({ DATABASE_URL: 'postgres://x', CLERK_JWT_KEY: PEM, CLERK_AUTHORIZED_PARTIES: 'https://a.test, https://b.test' });
    expect(two.clerk?.authorizedParties).toEqual(['https://a.test', 'https://b.test']);
  });

  it('derives the hosted sign-in page from the publishable key', () => {
    const key = (host: string) => `pk_test_${Buffer.from(`${host}$`).toString('base64')}`;
    expect(hostedSignInUrl(key('happy-cat-12.clerk.accounts.dev'))).toBe('https://happy-cat-12.accounts.dev/sign-in');
    expect(hostedSignInUrl(key('clerk.legacyai.info'))).toBe('https://accounts.legacyai.info/sign-in');
    expect(hostedSignInUrl('garbage')).toBeNull();
  });
});
