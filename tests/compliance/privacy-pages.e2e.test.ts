/**
 * The privacy pages in a real browser: an admin saves the privacy settings, adds a number to the
 * do-not-call list, approves a caller's erasure request (the customer is gone) and finds each of
 * those in the audit log; a member is refused the admin pages.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, MEMBER, testDb, type Sql } from '../dashboard/fixtures.ts';
import { dashboardUnderTest, launchBrowser, type Dashboard } from '../dashboard/harness.ts';

const dbUrl = process.env.TEST_DB_URL;

async function go(page: Page, url: string) {
  const res = await page.goto(url);
  await page.waitForSelector('html[data-hydrated]');
  return res;
}

async function signIn(browser: Browser, base: string, userId: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await go(page, `${base}/sign-in`);
  await page.check(`input[name="user_id"][value="${userId}"]`);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button:has-text("Sign in")')]);
  return page;
}

describe.skipIf(!dbUrl)('privacy pages in the browser', () => {
  let sql: Sql;
  let dash: Dashboard;
  let browser: Browser;
  const phone = `+1555303${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  const listed = `+1555304${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
  let settings: Record<string, unknown>;

  beforeAll(async () => {
    sql = testDb(dbUrl!);
    [settings] = await sql`select a.ai_disclosure, a.recording_mode, s.retention_mode, s.retention_days
      from public.automation_settings s, public.agent_configs a where a.is_active`;
    dash = await dashboardUnderTest(dbUrl!);
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await sql`update public.agent_configs set ai_disclosure = ${settings.ai_disclosure as boolean},
      recording_mode = ${settings.recording_mode as string} where is_active`;
    await sql`update public.automation_settings set retention_mode = ${settings.retention_mode as string},
      retention_days = ${settings.retention_days as number}`;
    await sql`delete from public.do_not_call where phone_number = ${listed}`;
    await browser?.close();
    await dash?.stop();
    await sql.end();
  });

  it('an admin saves settings, lists a number, approves an erasure; the audit log shows it all', async () => {
    const page = await signIn(browser, dash.url, ADMIN);

    await go(page, `${dash.url}/settings/privacy`);
    await page.selectOption('select[name="retention_mode"]', 'no_pii');
    await page.fill('input[name="retention_days"]', '60');
    await page.click('button:has-text("Save")');
    await page.waitForSelector('text=Saved.');
    expect((await sql`select retention_mode, retention_days from public.automation_settings`)[0])
      .toEqual({ retention_mode: 'no_pii', retention_days: 60 });

    await go(page, `${dash.url}/settings/do-not-call`);
    await page.fill('input[name="phone"]', listed);
    await page.fill('input[name="reason"]', 'asked by email');
    await page.click('button:has-text("Add")');
    await page.waitForSelector(`td:has-text("${listed}")`);
    expect((await sql`select public.is_do_not_call(${listed}) as l`)[0].l).toBe(true);

    const [c] = await sql`insert into public.customers (phone_number, name) values (${phone}, 'Pia Erasable') returning id`;
    await sql`insert into public.conversations (call_sid, customer_id, from_number, to_number)
      values (${`CA_e2e_${phone}`}, ${c.id}, ${phone}, '+15550100000')`;
    await sql`select public.record_privacy_request(${`CA_e2e_${phone}`}, 'erasure')`;
    await go(page, `${dash.url}/admin/data-requests`);
    const row = page.locator('tr', { hasText: phone });
    await row.locator('button:has-text("Approve and erase")').click();
    await page.waitForSelector('text=Request completed.');
    expect((await sql`select count(*)::int as n from public.customers where phone_number = ${phone}`)[0].n).toBe(0);

    await go(page, `${dash.url}/admin/audit`);
    const log = await page.locator('table').innerText();
    for (const action of ['automation_settings.update', 'do_not_call.insert', 'customer.erase', 'session.sign_in']) {
      expect(log).toContain(action);
    }
    expect(log).not.toContain('Pia Erasable');
  }, 120_000);

  it('a member gets no admin page', async () => {
    const page = await signIn(browser, dash.url, MEMBER);
    expect((await page.goto(`${dash.url}/admin/audit`))!.status()).toBe(403);
    expect((await page.goto(`${dash.url}/admin/export.json?phone=${encodeURIComponent(phone)}`))!.status()).toBe(403);
  }, 60_000);
});
