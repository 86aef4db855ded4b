import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isLoopback, signSession, verifySession } from '../../web/src/lib/server/session.ts';

const secret = randomBytes(32);

describe('local session cookie', () => {
  it('round-trips the user id', () => {
    expect(verifySession(secret, signSession(secret, 'user_alex_rivera'))).toBe('user_alex_rivera');
  });

  it('rejects a cookie signed with another secret', () => {
    expect(verifySession(randomBytes(32), signSession(secret, 'user_alex_rivera'))).toBeNull();
  });

  it('rejects a cookie whose user id was swapped', () => {
    const [, exp, sig] = signSession(secret, 'user_jordan_lee').split('.');
    const forged = `${Buffer.from('user_alex_rivera').toString('base64url')}.${exp}.${sig}`;
    expect(verifySession(secret, forged)).toBeNull();
  });

  it('rejects an expired cookie and garbage', () => {
    const now = Date.now();
    const value = signSession(secret, 'user_alex_rivera', now, 60);
    expect(verifySession(secret, value, now + 59_000)).toBe('user_alex_rivera');
    expect(verifySession(secret, value, now + 61_000)).toBeNull();
    expect(verifySession(secret, undefined)).toBeNull();
    expect(verifySession(secret, 'a.b')).toBeNull();
    expect(verifySession(secret, 'a.b.c')).toBeNull();
  });
});

describe('isLoopback', () => {
  it('accepts only this machine', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a)).toBe(true);
    for (const a of ['10.0.0.5', '192.168.1.2', '::ffff:10.0.0.1', '2001:db8::1', '']) expect(isLoopback(a)).toBe(false);
  });
});
