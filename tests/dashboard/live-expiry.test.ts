/**
 * A live-transcript stream does not outlive the session that opened it: it ends when the session
 * expires, and the browser's reconnection with the expired session gets nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from './harness.ts';
import { ADMIN } from './fixtures.ts';
import { LOCAL_COOKIE, signSession } from '../../web/src/lib/server/session.ts';
import { skipWithout } from '../support/stack-env.ts';

const dbUrl = process.env.TEST_DB_URL;
const SECRET = 'live-expiry-test-secret-0123456789abcdef';

describe.skipIf(skipWithout({ TEST_DB_URL: dbUrl }))('live stream and session expiry', () => {
  let dash: Dashboard;
  beforeAll(async () => {
    dash = await startDashboard({ DATABASE_URL: dbUrl!, DASHBOARD_LOCAL_SIGN_IN: '1', DASHBOARD_SESSION_SECRET: SECRET });
  }, 60_000);
  afterAll(async () => {
    await dash?.stop();
  });

  it('the stream ends when the session expires, and reconnecting with it is refused', async () => {
    const cookie = `${LOCAL_COOKIE}=${signSession(Buffer.from(SECRET), ADMIN, Date.now(), 3)}`;
    const started = Date.now();
    const res = await fetch(`${dash.url}/live`, { headers: { cookie, accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    const lived = Date.now() - started;
    expect(text).toContain('retry:');
    expect(lived).toBeGreaterThan(1500);
    expect(lived).toBeLessThan(15_000);
    const again = await fetch(`${dash.url}/live`, { headers: { cookie, accept: 'text/event-stream' } });
    expect(again.status).toBe(401);
    await again.body?.cancel();
  }, 60_000);
});
