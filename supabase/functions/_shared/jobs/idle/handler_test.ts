import { assertEquals } from '../../testing/assert.ts';
import { BUSINESS_NUMBER, needsDb, newCaller, newCallSid, PUBLIC_BASE, testSql } from '../../testing/harness.ts';
import { startFakeTwilioApi } from '../../testing/fake_twilio_api.ts';
import { readJobsConfig } from '../config.ts';
import { Snooze } from '../errors.ts';
import { fakeJob, testJobDeps } from '../test_support.ts';
import { twilioCalls } from '../callbacks/twilio_calls.ts';
import { closeIdleCall } from './handler.ts';

const SID = `AC${'2'.repeat(32)}`;
const TOKEN = 'fake-twilio-token';

Deno.test({ name: 'close_idle_call: a call whose last status callback was lost is closed as Twilio says', ...needsDb,
  fn: async (t) => {
    const sql = testSql();
    const api = startFakeTwilioApi(SID, TOKEN);
    const config = readJobsConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: BUSINESS_NUMBER,
      TWILIO_API_BASE_URL: api.url }, PUBLIC_BASE);
    const withTwilio = testJobDeps({ config, calls: twilioCalls(config.outbound!) }).deps;
    const without = testJobDeps().deps;
    const open = async () => {
      const sid = newCallSid();
      await sql`select public.start_call(${sid}, ${newCaller()}, ${BUSINESS_NUMBER})`;
      return sid;
    };
    const facts = async (sid: string) =>
      (await sql`select status, ended_at is not null as ended, duration_seconds from conversations where call_sid = ${sid}`)[0];
    try {
      await t.step('Twilio says it ended: closed with its status and duration', async () => {
        const sid = await open();
        api.setStatus(sid, 'completed', 42);
        assertEquals(await closeIdleCall(fakeJob('close_idle_call', { call_sid: sid }), withTwilio),
          { closed: 'completed', source: 'twilio' });
        assertEquals(await facts(sid), { status: 'completed', ended: true, duration_seconds: 42 });
      });
      await t.step('Twilio says it is still going: left open and asked again later', async () => {
        const sid = await open();
        api.setStatus(sid, 'in-progress');
        const res = await closeIdleCall(fakeJob('close_idle_call', { call_sid: sid }), withTwilio);
        assertEquals(res instanceof Snooze, true);
        assertEquals((await facts(sid)).ended, false);
      });
      await t.step('no credentials, or a call Twilio does not know: closed as completed', async () => {
        for (const deps of [without, withTwilio]) {
          const sid = await open();
          await closeIdleCall(fakeJob('close_idle_call', { call_sid: sid }), deps);
          assertEquals((await facts(sid)).ended, true);
        }
      });
    } finally {
      await api.close();
      await sql.end();
      await withTwilio.sql.end();
      await without.sql.end();
    }
  } });
