import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardUnderTest, type Dashboard } from './harness.ts';
import { testClerk, type TestClerk } from './clerk-tokens.ts';
import { ADMIN, MEMBER, testDb, type Sql } from './fixtures.ts';
import { identify, memberFor, signInChoices, verifyClerkToken } from '../../web/src/lib/server/auth.ts';
import { readConfig } from '../../web/src/lib/server/config.ts';
import { claimsFor } from '../../web/src/lib/server/db.ts';
import { LOCAL_COOKIE, signSession } from '../../web/src/lib/server/session.ts';
import { skipWithout } from '../support/stack-env.ts';

const url = process.env.TEST_DB_URL;
const AZP = 'http://127.0.0.1:5173';
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----';

describe('Clerk session tokens (verified offline)', () => {
  let clerk: TestClerk;
  let other: TestClerk;
  beforeAll(async () => {
    clerk = await testClerk(AZP);
    other = await testClerk(AZP);
  });
  const cfg = () => ({ jwtKey: clerk.publicKeyPem, authorizedParties: [AZP], publishableKey: null, signInUrl: null });

  it('accepts a valid token and keeps its claims, with role authenticated', async () => {
    const claims = await verifyClerkToken(await clerk.mint(ADMIN), cfg());
    expect(claims).toMatchObject({ sub: ADMIN, role: 'authenticated', azp: AZP, sid: `sess_${ADMIN}` });
  });

  it('rejects expired, foreign, wrong-party and not-yet-valid tokens', async () => {
    expect(await verifyClerkToken(await clerk.mint(ADMIN, { expiresInSeconds: -120 }), cfg())).toBeNull();
    expect(await verifyClerkToken(await other.mint(ADMIN), cfg())).toBeNull();
    expect(await verifyClerkToken(await clerk.mint(ADMIN, { azp: 'https://evil.test' }), cfg())).toBeNull();
    expect(await verifyClerkToken(await clerk.mint(ADMIN, { notBeforeOffset: 600 }), cfg())).toBeNull();
    expect(await verifyClerkToken('not-a-jwt', cfg())).toBeNull();
  });

  it('identify() reads the __session cookie or a Bearer header, never the local cookie', async () => {
    const config = readConfig({ DATABASE_URL: 'postgres://x', CLERK_JWT_KEY: clerk.publicKeyPem, CLERK_AUTHORIZED_PARTIES: AZP });
    const token = await clerk.mint(MEMBER);
    const none = () => undefined;
    expect((await identify({ clientAddress: '10.1.2.3', headers: new Headers(), authorization: null, cookie: (n) => (n === '__session' ? token : undefined) }, config))?.sub).toBe(MEMBER);
    expect((await identify({ clientAddress: '10.1.2.3', headers: new Headers(), authorization: `Bearer ${token}`, cookie: none }, config))?.sub).toBe(MEMBER);
    const local = signSession(config.sessionSecret, ADMIN);
    expect(await identify({ clientAddress: '127.0.0.1', headers: new Headers({ host: '127.0.0.1' }), authorization: null, cookie: (n) => (n === LOCAL_COOKIE ? local : undefined) }, config)).toBeNull();
  });
});

describe('local sign-in identity', () => {
  const config = readConfig({ DATABASE_URL: 'postgres://x', DASHBOARD_LOCAL_SIGN_IN: '1', ORIGIN: 'http://127.0.0.1:5173' });
  const cookie = signSession(config.sessionSecret, ADMIN);
  const facts = (clientAddress: string, headers: Record<string, string> = { host: '127.0.0.1:5173' }) =>
    ({ clientAddress, headers: new Headers(headers), authorization: null, cookie: (n: string) => (n === LOCAL_COOKIE ? cookie : undefined) });

  it('works from loopback only', async () => {
    expect((await identify(facts('127.0.0.1'), config))?.sub).toBe(ADMIN);
    expect((await identify(facts('::1', { host: 'localhost:5173' }), config))?.sub).toBe(ADMIN);
    expect(await identify(facts('192.168.1.20'), config)).toBeNull();
  });

  it('a reverse proxy or tunnel on this machine (loopback peer) gets nothing: forwarded headers or a public Host', async () => {
    const proxied: Record<string, string>[] = [
      { host: '127.0.0.1:5173', 'x-forwarded-for': '203.0.113.9' },
      { host: '127.0.0.1:5173', forwarded: 'for=203.0.113.9;proto=https' },
      { host: '127.0.0.1:5173', 'x-forwarded-host': 'team.example.com' },
      { host: '127.0.0.1:5173', 'x-real-ip': '203.0.113.9' },
      { host: 'abcd-1234.ngrok-free.app' },
      { host: 'team.example.com:443' },
      {},
    ];
    for (const headers of proxied) expect(await identify(facts('127.0.0.1', headers), config)).toBeNull();
  });

  it('is an explicit opt-in: without Clerk keys and without it the dashboard refuses to start', () => {
    expect(() => readConfig({ DATABASE_URL: 'postgres://x' })).toThrow(/CLERK_JWT_KEY is not set/);
    expect(() => readConfig({ DATABASE_URL: 'postgres://x', DASHBOARD_LOCAL_SIGN_IN: '1', ORIGIN: 'https://team.example.com' }))
      .toThrow(/ORIGIN is not a loopback address/);
    const off = readConfig({ DATABASE_URL: 'postgres://x', DASHBOARD_LOCAL_SIGN_IN: '0', CLERK_JWT_KEY: PEM, CLERK_AUTHORIZED_PARTIES: AZP });
    expect(off.localSignIn).toBe(false);
  });
});

describe.skipIf(skipWithout({ TEST_DB_URL: url }))('team membership, asked under RLS', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testDb(url!);
  });
  afterAll(() => sql.end());

  it('finds active members with their role', async () => {
    expect(await memberFor(sql, claimsFor(ADMIN))).toMatchObject({ userId: ADMIN, role: 'admin' });
    expect(await memberFor(sql, claimsFor(MEMBER))).toMatchObject({ userId: MEMBER, role: 'member' });
  });

  it('a valid identity that is not on the team is not a member', async () => {
    expect(await memberFor(sql, claimsFor('user_stranger'))).toBeNull();
  });

  it('an inactive member is not a member', async () => {
    await sql`insert into public.team_members (user_id, name, phone, active) values ('user_test_inactive', 'Gone', '+15550100999', false)
              on conflict (user_id) do update set active = false`;
    try {
      expect(await memberFor(sql, claimsFor('user_test_inactive'))).toBeNull();
      const choices = await signInChoices(sql);
      expect(choices.map((c) => c.user_id)).not.toContain('user_test_inactive');
    } finally {
      await sql`delete from public.team_members where user_id = 'user_test_inactive'`;
    }
  });

  it('offers the active team for the local sign-in, admins first', async () => {
    const choices = await signInChoices(sql);
    expect(choices[0].role).toBe('admin');
    expect(choices.map((c) => c.user_id)).toEqual(expect.arrayContaining([ADMIN, MEMBER, 'user_sam_patel']));
  });

  it('the sign-in list is closed to every API role', async () => {
    for (const role of ['anon', 'authenticated', 'service_role']) {
      await expect(sql.begin(async (tx) => {
        await tx.unsafe(`set local role ${role}`);
        await tx`select * from public.dashboard_sign_in_choices()`;
      })).rejects.toThrow(/permission denied/);
    }
  });
});

describe.skipIf(skipWithout({ TEST_DB_URL: url }))('the local sign-in through a proxy (the running dashboard)', () => {
  let dash: Dashboard;
  beforeAll(async () => {
    dash = await dashboardUnderTest(url!);
  }, 60_000);
  afterAll(async () => {
    await dash?.stop();
  });

  /** A raw HTTP request, so the Host and forwarding headers are exactly what a proxy would send. */
  function send(path: string, o: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
    const target = new URL(dash.url);
    return new Promise<{ status: number; headers: Record<string, string | string[] | undefined> }>((resolve, reject) => {
      const req = httpRequest({ host: target.hostname, port: target.port, path, method: o.method ?? 'GET',
        headers: { host: target.host, ...o.headers } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode ?? 0, headers: res.headers });
      });
      req.on('error', reject);
      req.end(o.body);
    });
  }

  const signIn = (headers: Record<string, string>) => send('/sign-in', {
    method: 'POST',
    headers: { origin: dash.url, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: `user_id=${encodeURIComponent(ADMIN)}`,
  });

  it('a proxied or re-hosted sign-in as the admin is refused; the same request sent directly works', async () => {
    const attempts: Record<string, string>[] = [{ 'x-forwarded-for': '203.0.113.9' }, { forwarded: 'for=203.0.113.9' },
      { 'x-forwarded-proto': 'https' }, { host: 'abcd-1234.ngrok-free.app' }];
    for (const headers of attempts) {
      const res = await signIn(headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const direct = await signIn({});
    expect(direct.status).toBe(303);
    const cookie = String(direct.headers['set-cookie']).split(';')[0];
    expect(cookie).toContain(`${LOCAL_COOKIE}=`);
    // A cookie obtained directly opens nothing once the request comes through a proxy.
    expect((await send('/customers', { headers: { cookie, accept: 'text/html' } })).status).toBe(200);
    expect((await send('/customers', { headers: { cookie, accept: 'text/html', 'x-forwarded-for': '203.0.113.9' } })).status)
      .toBe(303);
  });
});
