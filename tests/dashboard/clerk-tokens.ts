/** A local stand-in for a Clerk instance's signing key: mint session tokens like Clerk's (v2). */
import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';

export interface TestClerk {
  publicKeyPem: string;
  mint(sub: string, opts?: { azp?: string; expiresInSeconds?: number; notBeforeOffset?: number }): Promise<string>;
}

export async function testClerk(defaultAzp: string): Promise<TestClerk> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  return {
    publicKeyPem: await exportSPKI(publicKey),
    mint: (sub, opts = {}) => mint(privateKey, sub, opts.azp ?? defaultAzp, opts.expiresInSeconds ?? 60, opts.notBeforeOffset ?? -5),
  };
}

function mint(key: CryptoKey, sub: string, azp: string, expiresIn: number, nbfOffset: number): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ azp, sid: `sess_${sub}`, v: 2 })
    .setProtectedHeader({ alg: 'RS256', kid: 'ins_test', typ: 'JWT' })
    .setSubject(sub)
    .setIssuer('https://test-instance.clerk.accounts.dev')
    .setIssuedAt(now)
    .setNotBefore(now + nbfOffset)
    .setExpirationTime(now + expiresIn)
    .sign(key);
}
