/**
 * The dashboard in a real browser (Debian's Chromium): local sign-in, every page at desktop and
 * 375 px (screenshots in test-artifacts/screenshots, load times measured), a call's page, the
 * greeting form, CSV export, a live call appearing, and who gets nothing.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, MEMBER, asService, finish, greet, placeCall, startCall, testDb, turn, uniq, type Sql } from './fixtures.ts';
import { artifactPath, dashboardUnderTest, launchBrowser, repoRoot, tcpProxy, type Dashboard } from './harness.ts';
import { skipWithout } from '../support/stack-env.ts';


/** Navigate and wait until the page is hydrated (interactive). */
async function go(page: Page, url: string) {
  const res = await page.goto(url);
  await page.waitForSelector('html[data-hydrated]');
  return res;
}

const dbUrl = process.env.TEST_DB_URL;
const loadTimes: Record<string, number> = {};

async function signIn(browser: Browser, base: string, userId: string, width = 1280): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ viewport: { width, height: 900 }, acceptDownloads: true });
  const page = await ctx.newPage();
  await go(page, `${base}/`);
  expect(page.url()).toContain('/sign-in');
  await page.waitForSelector('html[data-hydrated]');
  await page.check(`input[name="user_id"][value="${userId}"]`);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button:has-text("Sign in")')]);
  return { ctx, page };
}

/** Navigation start to the end of the load event, from the browser's own timing. */
async function loadMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    return Math.round(nav.loadEventEnd - nav.startTime);
  });
}

describe.skipIf(skipWithout({ TEST_DB_URL: dbUrl }))('dashboard in the browser', () => {
  let sql: Sql;
  let dash: Dashboard;
  let browser: Browser;
  let call: Awaited<ReturnType<typeof placeCall>>;
  let customerId: string;
  let deadJobId: number | null = null;

  beforeAll(async () => {
    sql = testDb(dbUrl!);
    dash = await dashboardUnderTest(dbUrl!);
    browser = await launchBrowser();
    call = await placeCall(sql, {
      turns: [
        { caller: 'How much is the starter plan?', agent: 'The Starter plan is 1,500 dollars.', latencyMs: 410, tools: ['search_knowledge'] },
        { caller: 'I am Morgan Blake from Blake Bakery', agent: 'Thanks Morgan.', latencyMs: 650, tools: ['capture_lead'], actions: { lead: { name: 'Morgan Blake', company: 'Blake Bakery' } } },
      ],
      summary: 'Morgan from Blake Bakery asked about pricing.',
      sentiment: 0.6,
    });
    customerId = (await sql<{ customer_id: string }[]>`select customer_id from public.conversations where id = ${call.id}`)[0].customer_id;
    const [{ jobs }] = await sql<{ jobs: boolean }[]>`select to_regclass('public.jobs') is not null as jobs`;
    if (jobs) {
      const [job] = await asService(sql, (tx) => tx<{ id: number }[]>`
        insert into public.jobs (kind, payload, state, attempts, max_attempts, last_error, finished_at)
        values ('dashboard_probe', ${tx.json({ test: uniq() })}, 'dead', 5, 5, 'probe: always fails', now()) returning id`);
      deadJobId = job.id;
      await asService(sql, (tx) => tx`
        select public.upsert_notification(${`dashboard-e2e-${uniq()}`}, 'new_lead', 'New lead: Morgan Blake', 'Blake Bakery asked about pricing.', '{}', ${call.id}::uuid, ${customerId}::uuid)`);
    }
  }, 180_000);

  afterAll(async () => {
    if (deadJobId !== null) await sql`delete from public.jobs where id = ${deadJobId}`;
    writeFileSync(join(repoRoot, 'test-artifacts', 'page-load-ms.json'), `${JSON.stringify(loadTimes, null, 2)}\n`);
    console.log(JSON.stringify({ metric: 'page_load_ms', pages: loadTimes }));
    await browser?.close();
    await dash?.stop();
    await sql?.end();
  });

  it('a signed-out visitor is sent to the local sign-in and gets no data', async () => {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await go(page, `${dash.url}/calls`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    const text = await page.textContent('body');
    expect(text).toContain('Local sign-in');
    expect(text).toContain('only from this computer');
    expect(text).not.toContain(call.from);
    await page.screenshot({ path: artifactPath('sign-in-1280.png'), fullPage: true });
    await ctx.close();

    const csv = await fetch(`${dash.url}/analytics/export.csv`, { redirect: 'manual' });
    expect(csv.status).toBe(401);
    const live = await fetch(`${dash.url}/live`, { headers: { accept: 'text/event-stream' } });
    expect(live.status).toBe(401);
    const data = await fetch(`${dash.url}/calls/${call.id}/__data.json`, { redirect: 'manual' });
    expect(await data.text()).not.toContain(call.from);
    const post = await fetch(`${dash.url}/customers/${customerId}?/save`, {
      method: 'POST', redirect: 'manual', headers: { origin: dash.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Hacked&lead_status=lost',
    });
    expect([401, 403]).toContain(post.status);
    const [row] = await sql`select name from public.customers where id = ${customerId}`;
    expect(row.name).toBe('Morgan Blake');
  });

  for (const width of [1280, 375]) {
    it(`every page renders at ${width} px without sideways scrolling (screenshots, load times)`, async () => {
      const { ctx, page } = await signIn(browser, dash.url, ADMIN, width);
      const pages: [string, string][] = [
        ['home', '/'], ['calls', '/calls'], ['call', `/calls/${call.id}`], ['customers', '/customers'],
        ['customer', `/customers/${customerId}`], ['callbacks', '/callbacks?status=all'], ['analytics', '/analytics'],
        ['settings-agent', '/settings'], ['settings-hours', '/settings/hours'], ['settings-escalation', '/settings/escalation'],
        ['settings-team', '/settings/team'], ['settings-knowledge', '/settings/knowledge'],
        ['notifications', '/notifications?show=all'], ['jobs', '/jobs'],
      ];
      for (const [name, path] of pages) {
        const res = await go(page, `${dash.url}${path}`);
        expect(res?.status(), path).toBe(200);
        loadTimes[`${name}@${width}`] = await loadMs(page);
        await expect(page.locator('h1').first().isVisible()).resolves.toBe(true);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${path} is wider than the window`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: artifactPath(`${name}-${width}.png`), fullPage: true });
      }
      await ctx.close();
      expect(Math.max(...Object.entries(loadTimes).filter(([k]) => k.endsWith(`@${width}`)).map(([, v]) => v))).toBeLessThan(2000);
    });
  }

  it('a call’s page shows the transcript, summary, sentiment, tools, latency per turn, cost and the lead', async () => {
    const { ctx, page } = await signIn(browser, dash.url, MEMBER);
    await go(page, `${dash.url}/calls?q=${encodeURIComponent('Blake Bakery')}`);
    await page.click(`a[href="/calls/${call.id}"]`);
    await page.waitForURL(`${dash.url}/calls/${call.id}`);
    const body = (await page.textContent('main'))!;
    for (const text of ['The Starter plan is 1,500 dollars.', 'I am Morgan Blake from Blake Bakery', 'Morgan from Blake Bakery asked about pricing.',
      'positive (0.60)', 'search_knowledge, capture_lead', '410 ms', '650 ms', '$0.0024', 'Blake Bakery', 'lead captured']) {
      expect(body).toContain(text);
    }
    expect(await page.locator('ol.transcript li').count()).toBe(5);
    await ctx.close();
  });

  it('an admin changes the greeting; the form shows each field’s error', async () => {
    const [before] = await sql<{ greeting: string; returning_greeting: string }[]>`select greeting, returning_greeting from public.agent_configs where is_active`;
    const { ctx, page } = await signIn(browser, dash.url, ADMIN);
    try {
      await go(page, `${dash.url}/settings`);
      await page.fill('textarea[name="greeting"]', '');
      await page.fill('textarea[name="returning_greeting"]', 'Welcome back!');
      await page.click('button:has-text("Save")');
      await expect(page.locator('#f-greeting-error').textContent()).resolves.toBe('Greeting is required.');
      await expect(page.locator('#f-returning_greeting-error').textContent()).resolves.toContain('{name}');
      await page.screenshot({ path: artifactPath('settings-errors-1280.png'), fullPage: true });

      const greeting = `Thanks for calling LegacyAI, dashboard test ${uniq()}. How can I help?`;
      await page.fill('textarea[name="greeting"]', greeting);
      await page.fill('textarea[name="returning_greeting"]', before.returning_greeting);
      await page.click('button:has-text("Save")');
      await page.waitForSelector('text=Saved. The next call uses these settings.');
      const [after] = await sql`select greeting from public.agent_configs where is_active`;
      expect(after.greeting).toBe(greeting);
    } finally {
      await sql`update public.agent_configs set greeting = ${before.greeting}, returning_greeting = ${before.returning_greeting} where is_active`;
      await ctx.close();
    }
  });

  it('“call now” queues a callback due now; the callbacks page reschedules (not into the past) and cancels it', async () => {
    const { ctx, page } = await signIn(browser, dash.url, MEMBER, 375);
    await go(page, `${dash.url}/customers/${customerId}`);
    await page.click('button:has-text("Call now")');
    await page.waitForSelector('text=Call queued');
    expect(await page.textContent('[role="status"]')).toContain('The callback worker dials due callbacks');
    const [task] = await sql<{ id: string }[]>`
      select id from public.scheduled_tasks where customer_id = ${customerId} and task_type = 'callback' and status = 'pending' and assigned_to = ${MEMBER}`;
    expect(task).toBeDefined();
    try {
      await go(page, `${dash.url}/callbacks`);
      const card = page.locator(`[data-task-id="${task.id}"]`);
      await card.locator('input[name="when"]').fill('2020-01-01T09:00');
      await card.locator('button:has-text("Reschedule")').click();
      await card.locator('text=Pick a time in the future.').waitFor();
      await card.locator('input[name="when"]').fill('2099-06-01T10:15');
      await card.locator('button:has-text("Reschedule")').click();
      await card.locator('text=Rescheduled.').waitFor();
      const [moved] = await sql`select to_char(scheduled_for at time zone public.business_timezone(), 'YYYY-MM-DD HH24:MI') as at from public.scheduled_tasks where id = ${task.id}`;
      expect(moved.at).toBe('2099-06-01 10:15');
      await page.screenshot({ path: artifactPath('callbacks-rescheduled-375.png'), fullPage: true });
      await card.locator('button:has-text("Cancel")').click();
      await expect.poll(async () => (await sql`select status from public.scheduled_tasks where id = ${task.id}`)[0].status).toBe('cancelled');
    } finally {
      await sql`update public.scheduled_tasks set status = 'cancelled' where id = ${task.id} and status = 'pending'`;
      await ctx.close();
    }
  });

  it('exports the analytics as CSV', async () => {
    const { ctx, page } = await signIn(browser, dash.url, MEMBER);
    await go(page, `${dash.url}/analytics?days=7`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export CSV')]);
    expect(download.suggestedFilename()).toMatch(/^call-analytics-7d-to-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
    expect(csv[0]).toBe('day,total_calls,escalations,avg_duration_seconds,avg_sentiment,total_cost_usd,cost_per_call,latency_p50,latency_p95,source');
    expect(csv).toHaveLength(8);
    expect(Number(csv[7].split(',')[1])).toBeGreaterThanOrEqual(1);
    await ctx.close();
  });

  it('a member sees no settings; an admin retries a dead job and reads a notification', async () => {
    const member = await signIn(browser, dash.url, MEMBER);
    expect(await member.page.locator('nav a[href="/settings"]').count()).toBe(0);
    const res = await go(member.page, `${dash.url}/settings`);
    expect(res?.status()).toBe(403);
    expect(await member.page.textContent('main')).toContain('Only the team’s admins can change settings.');
    await member.ctx.close();

    if (deadJobId === null) return;
    const { ctx, page } = await signIn(browser, dash.url, ADMIN);
    await go(page, `${dash.url}/jobs`);
    await page.click(`[data-job-id="${deadJobId}"] button:has-text("Retry")`);
    await page.waitForSelector(`text=Job ${deadJobId} is queued again.`);
    const [job] = await sql`select state, attempts from public.jobs where id = ${deadJobId}`;
    expect(job.state === 'queued' || job.state === 'running' || job.state === 'dead' || job.state === 'done').toBe(true);
    expect(job.attempts).toBeLessThan(5);
    await go(page, `${dash.url}/notifications`);
    const card = page.locator('article', { hasText: 'New lead: Morgan Blake' }).first();
    await card.locator('button:has-text("Mark read")').click();
    await expect.poll(async () => (await sql`select count(*)::int as n from public.notifications where conversation_id = ${call.id} and read_by = ${ADMIN}`)[0].n).toBe(1);
    await ctx.close();
  });

  it('a call appears live on the home page and its transcript grows as it is recorded', async () => {
    const { ctx, page } = await signIn(browser, dash.url, MEMBER);
    await page.waitForSelector('[data-live-status="connected"]');
    await page.evaluate(() => {
      const w = window as unknown as { __seen: Record<string, number> };
      w.__seen = {};
      new MutationObserver(() => {
        for (const li of document.querySelectorAll('li[data-message-id]')) {
          const id = li.getAttribute('data-message-id')!;
          w.__seen[id] ??= Date.now();
        }
      }).observe(document.body, { childList: true, subtree: true });
    });

    const live = await startCall(sql, `+1555014${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`);
    await page.waitForSelector(`[data-call-id="${live.id}"]`, { timeout: 5000 });
    await greet(sql, live.callSid, 'Thanks for calling. (live test)');
    const delays: number[] = [];
    for (let n = 1; n <= 5; n++) {
      await turn(sql, live.callSid, n, { caller: `Live question ${n}`, agent: `Live answer ${n}` });
      const committed = Date.now();
      const [{ id }] = await sql<{ id: number }[]>`select m.id from public.messages m join public.conversations c on c.id = m.conversation_id
        where c.call_sid = ${live.callSid} and m.turn = ${n} and m.role = 'agent'`;
      const seenAt = await page.waitForFunction((mid) => (window as unknown as { __seen: Record<string, number> }).__seen[mid], String(id), { timeout: 5000 });
      delays.push(Number(await seenAt.jsonValue()) - committed);
    }
    expect(await page.locator(`[data-call-id="${live.id}"] li[data-message-id]`).count()).toBe(11);
    await page.screenshot({ path: artifactPath('home-live-call-1280.png'), fullPage: true });
    await finish(sql, live.callSid, 40);
    await page.waitForSelector(`[data-call-id="${live.id}"] >> text=ended`);
    console.log(JSON.stringify({ metric: 'live_transcript_commit_to_screen_ms', delays }));
    expect(Math.max(...delays)).toBeLessThan(1000);
    await ctx.close();
  });

  it('resumes after the stream drops, without losing or repeating a line', async () => {
    const { ctx, page } = await signIn(browser, dash.url, MEMBER);
    // The page talks to the dashboard through a proxy that can cut the connection (cookies are
    // per host, not per port, so the session carries over).
    const proxy = await tcpProxy(dash.url);
    try {
      const live = await startCall(sql, '+15550145555');
      await greet(sql, live.callSid, 'Hello (resume test)');
      const streams: Promise<string | undefined>[] = [];
      page.on('request', (r) => {
        if (new URL(r.url()).pathname === '/live') streams.push(r.allHeaders().then((h) => h['last-event-id']));
      });
      await go(page, `${proxy.url}/calls/${live.id}`);
      await page.waitForSelector('text=● live');
      await turn(sql, live.callSid, 1, { caller: 'seen live', agent: 'answered live' });
      await page.waitForSelector('text=answered live');
      proxy.block(true);
      proxy.dropAll();
      await page.waitForSelector('text=○ connecting…');
      await turn(sql, live.callSid, 2, { caller: 'said while offline', agent: 'answered while offline' });
      proxy.block(false);
      await page.waitForSelector('text=answered while offline', { timeout: 10_000 });
      await turn(sql, live.callSid, 3, { caller: 'back online', agent: 'welcome back' });
      await page.waitForSelector('text=welcome back', { timeout: 5_000 });
      const lines = await page.locator('ol.transcript li').allTextContents();
      for (const said of ['answered live', 'answered while offline', 'welcome back']) expect(lines.filter((l) => l.includes(said))).toHaveLength(1);
      expect(lines).toHaveLength(7);
      // The reconnect carried Last-Event-ID: the last line the page had before the drop.
      const [seen] = await sql<{ id: number }[]>`select id from public.messages where conversation_id = ${live.id} and turn = 1 and role = 'agent'`;
      const headers = await Promise.all(streams);
      expect(headers[0]).toBeUndefined();
      expect(headers.at(-1)).toBe(String(seen.id));
      await finish(sql, live.callSid, 20);
    } finally {
      await proxy.close();
      await ctx.close();
    }
  });
});
