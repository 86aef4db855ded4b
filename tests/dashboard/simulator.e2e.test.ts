/**
 * The whole path, live: the call simulator plays a scenario against the functions (signed
 * Twilio webhooks), while the home page shows the call appear and its transcript grow. Measures
 * the delay from each message's insert to its arrival on screen. Then a greeting changed in
 * Settings is heard in the next simulated call. Needs the running functions (TEST_FUNCTIONS_URL).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playScenario, type SimTarget } from '../../tools/sim/scenario.ts';
import { parseScenario } from '../../tools/sim/scenario-file.ts';
import { ADMIN, MEMBER, testDb, uniq, type Sql } from './fixtures.ts';
import { artifactPath, dashboardUnderTest, launchBrowser, repoRoot, type Dashboard } from './harness.ts';
import { skipWithout } from '../support/stack-env.ts';


/** Navigate and wait until the page is hydrated (interactive). */
async function go(page: Page, url: string) {
  const res = await page.goto(url);
  await page.waitForSelector('html[data-hydrated]');
  return res;
}

const env = process.env;
const ready = !skipWithout({ TEST_DB_URL: env.TEST_DB_URL, TEST_FUNCTIONS_URL: env.TEST_FUNCTIONS_URL,
  TEST_TWILIO_AUTH_TOKEN: env.TEST_TWILIO_AUTH_TOKEN });

async function signIn(browser: Browser, base: string, userId: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await go(page, `${base}/sign-in`);
  await page.waitForSelector('html[data-hydrated]');
  await page.check(`input[name="user_id"][value="${userId}"]`);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button:has-text("Sign in")')]);
  return page;
}

describe.skipIf(!ready)('a simulated call, watched live on the dashboard', () => {
  let sql: Sql;
  let dash: Dashboard;
  let browser: Browser;
  let target: SimTarget;

  beforeAll(async () => {
    sql = testDb(env.TEST_DB_URL!);
    dash = await dashboardUnderTest(env.TEST_DB_URL!);
    browser = await launchBrowser();
    target = {
      functionsUrl: env.TEST_FUNCTIONS_URL!,
      dbUrl: env.TEST_DB_URL!,
      stackDbUrl: env.TEST_DB_URL!,
      authToken: env.TEST_TWILIO_AUTH_TOKEN!,
      accountSid: env.TEST_TWILIO_ACCOUNT_SID ?? `AC${'0'.repeat(32)}`,
      toNumber: env.TEST_TWILIO_NUMBER ?? '+15550100000',
    };
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
    await sql?.end();
  });

  it('the call appears on the home page and its transcript grows as the simulator plays it', async () => {
    const page = await signIn(browser, dash.url, MEMBER);
    await page.waitForSelector('[data-live-status="connected"]');
    const before = await page.locator('[data-call-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-call-id')));
    await page.evaluate(() => {
      const w = window as unknown as { __seen: Record<string, number>; __calls: Record<string, number> };
      w.__seen = {};
      w.__calls = {};
      new MutationObserver(() => {
        for (const el of document.querySelectorAll('[data-call-id]')) w.__calls[el.getAttribute('data-call-id')!] ??= Date.now();
        for (const li of document.querySelectorAll('li[data-message-id]')) w.__seen[li.getAttribute('data-message-id')!] ??= Date.now();
      }).observe(document.body, { childList: true, subtree: true });
    });

    const scenario = parseScenario(JSON.parse(readFileSync(join(repoRoot, 'tools/sim/demo-call.json'), 'utf8')));
    const playing = playScenario(scenario, target);
    // The card shows up while the call is still going.
    const card = await page.waitForFunction((known) => {
      const ids = [...document.querySelectorAll('[data-call-id]')].map((e) => e.getAttribute('data-call-id'));
      return ids.find((id) => !known.includes(id)) ?? null;
    }, before, { timeout: 15_000 });
    const callId = String(await card.jsonValue());
    await page.waitForFunction((id) => document.querySelectorAll(`[data-call-id="${id}"] li[data-message-id]`).length >= 2, callId, { timeout: 15_000 });
    await page.screenshot({ path: artifactPath('home-simulated-call-1280.png'), fullPage: true });
    const result = await playing;
    console.log(JSON.stringify({ metric: 'scenario', name: result.name, passed: result.passed, failures: result.failures }));
    expect(result.conversation_id).toBe(callId);

    const rows = await sql<{ id: number; at: number }[]>`
      select id, (extract(epoch from created_at) * 1000)::float8 as at from public.messages where conversation_id = ${callId} order by id`;
    expect(rows.length).toBeGreaterThanOrEqual(4);
    await page.waitForFunction((ids) => ids.every((id) => (window as unknown as { __seen: Record<string, number> }).__seen[id]), rows.map((r) => String(r.id)), { timeout: 10_000 });
    const seen = await page.evaluate(() => (window as unknown as { __seen: Record<string, number> }).__seen);
    // Lines already on screen when the observer started have no arrival time of their own.
    const delays = rows.filter((r) => seen[r.id] !== undefined).map((r) => seen[r.id] - r.at).sort((a, b) => a - b);
    console.log(JSON.stringify({ metric: 'live_transcript_insert_to_screen_ms', n: delays.length, p50: delays[Math.floor(delays.length / 2)], max: delays.at(-1), delays: delays.map(Math.round) }));
    expect(delays.at(-1)!).toBeLessThan(1000);

    await go(page, `${dash.url}/calls/${callId}`);
    expect(await page.locator('ol.transcript li').count()).toBe(rows.length);
    await page.screenshot({ path: artifactPath('call-simulated-1280.png'), fullPage: true });
    await page.context().close();
  });

  it('a greeting changed in Settings is what the next caller hears', async () => {
    const [before] = await sql<{ greeting: string }[]>`select greeting from public.agent_configs where is_active`;
    const token = `bluebird ${uniq()}`;
    const page = await signIn(browser, dash.url, ADMIN);
    try {
      await go(page, `${dash.url}/settings`);
      await page.fill('textarea[name="greeting"]', `Hello, this is LegacyAI, ${token}. How can I help?`);
      await page.click('button:has-text("Save")');
      await page.waitForSelector('text=Saved. The next call uses these settings.');
      const result = await playScenario(parseScenario({
        name: 'dashboard: the new greeting is heard',
        caller: '+15555550188',
        given: { hours: 'open' },
        turns: [{ say: 'That is all, goodbye.' }],
        expect: { greeting: [token] },
      }), target);
      expect(result.failures.filter((f) => f.toLowerCase().includes('greeting'))).toEqual([]);
      expect(result.turns[0]?.agent ?? '').toContain(token);
    } finally {
      await sql`update public.agent_configs set greeting = ${before.greeting} where is_active`;
      await page.context().close();
    }
  });
});
