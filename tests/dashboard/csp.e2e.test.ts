/**
 * The dashboard's Content-Security-Policy in a real browser: its own pages hydrate, and a script
 * an attacker manages to put into the page (an injected inline script, an inline handler, a script
 * from another origin) does not run.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardUnderTest, launchBrowser, type Dashboard } from './harness.ts';
import { skipWithout } from '../support/stack-env.ts';

const dbUrl = process.env.TEST_DB_URL;

describe.skipIf(skipWithout({ TEST_DB_URL: dbUrl }))('Content-Security-Policy', () => {
  let dash: Dashboard;
  let browser: Browser;
  beforeAll(async () => {
    dash = await dashboardUnderTest(dbUrl!);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await dash?.stop();
  });

  it('every page carries a nonce-based policy without unsafe-inline scripts and no framing', async () => {
    const res = await fetch(`${dash.url}/sign-in`);
    const policy = res.headers.get('content-security-policy') ?? '';
    const scriptSrc = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? '';
    expect(scriptSrc).toMatch(/'nonce-[A-Za-z0-9+/=]+'/);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(scriptSrc).not.toContain('unsafe-eval');
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("object-src 'none'");
  });

  it('the page hydrates, and injected inline scripts, handlers and foreign scripts do not run', async () => {
    const page: Page = await (await browser.newContext()).newPage();
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    await page.goto(`${dash.url}/sign-in`);
    await page.waitForSelector('html[data-hydrated]');
    const ran = await page.evaluate(async () => {
      const w = window as unknown as Record<string, unknown>;
      const inline = document.createElement('script');
      inline.textContent = 'window.pwnedInline = true';
      document.body.append(inline);
      const img = document.createElement('img');
      img.setAttribute('src', 'data:,');
      img.setAttribute('onerror', 'window.pwnedHandler = true');
      img.setAttribute('onload', 'window.pwnedHandler = true');
      document.body.append(img);
      const foreign = document.createElement('script');
      foreign.src = 'http://127.0.0.2:9/evil.js';
      document.body.append(foreign);
      await new Promise((r) => setTimeout(r, 300));
      return { inline: w.pwnedInline === true, handler: w.pwnedHandler === true };
    });
    expect(ran).toEqual({ inline: false, handler: false });
    expect(violations.length).toBeGreaterThanOrEqual(2);
  });
});
