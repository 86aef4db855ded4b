/**
 * The dashboard with Clerk keys: a second server started here with CLERK_JWT_KEY set to a key
 * pair of our own, and session tokens minted like Clerk's. A valid Clerk user who is not on the
 * team gets a 403; a member gets in; the local sign-in is off.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testClerk, type TestClerk } from './clerk-tokens.ts';
import { ADMIN, MEMBER } from './fixtures.ts';
import { artifactPath, launchBrowser, startDashboard, type Dashboard } from './harness.ts';
import { skipWithout } from '../support/stack-env.ts';


/** Navigate and wait until the page is hydrated (interactive). */
async function go(page: Page, url: string) {
  const res = await page.goto(url);
  await page.waitForSelector('html[data-hydrated]');
  return res;
}

const dbUrl = process.env.TEST_DB_URL;

describe.skipIf(skipWithout({ TEST_DB_URL: dbUrl }))('dashboard signed in with Clerk', () => {
  let dash: Dashboard;
  let clerk: TestClerk;
  let browser: Browser;

  beforeAll(async () => {
    // The authorized party is the server's own origin (ORIGIN), the default without CLERK_AUTHORIZED_PARTIES.
    const placeholder = await testClerk('pending');
    dash = await startDashboard({ DATABASE_URL: dbUrl!, CLERK_JWT_KEY: placeholder.publicKeyPem });
    clerk = { ...placeholder, mint: (sub, opts = {}) => placeholder.mint(sub, { azp: dash.url, ...opts }) };
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  async function pageWithToken(token: string | null) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    if (token) await ctx.addCookies([{ name: '__session', value: token, url: dash.url }]);
    return { ctx, page: await ctx.newPage() };
  }

  it('says at start-up that it verifies Clerk tokens, not the local sign-in', () => {
    expect(dash.logs.join('')).toContain('dashboard sign-in: Clerk');
  });

  it('a valid Clerk user who is not a team member gets a 403 page and no data', async () => {
    const token = await clerk.mint('user_not_on_the_team');
    const { ctx, page } = await pageWithToken(token);
    const res = await go(page, `${dash.url}/calls`);
    expect(res?.status()).toBe(403);
    const text = (await page.textContent('body'))!;
    expect(text).toContain('not as a member of this team');
    expect(await page.locator('table').count()).toBe(0);
    await page.screenshot({ path: artifactPath('forbidden-non-member-1280.png'), fullPage: true });
    await ctx.close();

    for (const path of ['/analytics/export.csv', '/live']) {
      const r = await fetch(`${dash.url}${path}`, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual' });
      expect(r.status, path).toBe(403);
    }
    // A client-side navigation's data request carries the 403 as SvelteKit's error node, and no rows.
    const data = await (await fetch(`${dash.url}/calls/__data.json`, { headers: { authorization: `Bearer ${token}` } })).text();
    expect(data).toContain('"status":403');
    expect(data).not.toContain('from_number');
  });

  it('a team member gets in with the __session cookie or a Bearer token', async () => {
    const { ctx, page } = await pageWithToken(await clerk.mint(MEMBER));
    const res = await go(page, `${dash.url}/`);
    expect(res?.status()).toBe(200);
    expect(await page.textContent('header')).toContain('Jordan Lee');
    expect(await page.textContent('header')).not.toContain('local sign-in');
    await ctx.close();
    const csv = await fetch(`${dash.url}/analytics/export.csv?days=7`, { headers: { authorization: `Bearer ${await clerk.mint(ADMIN)}` } });
    expect(csv.status).toBe(200);
  });

  it('no token, an expired token or a token for another app: sent to sign in; the local sign-in is off', async () => {
    for (const token of [null, await clerk.mint(ADMIN, { expiresInSeconds: -60 }), await clerk.mint(ADMIN, { azp: 'https://other.example' })]) {
      const { ctx, page } = await pageWithToken(token);
      await go(page, `${dash.url}/settings`);
      expect(new URL(page.url()).pathname).toBe('/sign-in');
      expect(await page.locator('input[name="user_id"]').count()).toBe(0);
      expect(await page.textContent('main')).not.toContain('Local sign-in');
      await ctx.close();
    }
    const post = await fetch(`${dash.url}/sign-in`, {
      method: 'POST', headers: { origin: dash.url, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: `user_id=${ADMIN}`, redirect: 'manual',
    });
    expect(post.status).toBe(404);
    expect(post.headers.get('set-cookie') ?? '').not.toContain('dashboard_session');
  });
});
