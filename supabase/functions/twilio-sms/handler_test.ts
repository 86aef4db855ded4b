import twilio from 'twilio';
import { assert, assertEquals } from '../_shared/testing/assert.ts';
import { BUSINESS_NUMBER, needsDb, PUBLIC_BASE, signedRequest, testRuntime, testSql } from '../_shared/testing/harness.ts';
import { startTestCall } from '../_shared/testing/calls.ts';
import { startFakeTwilioApi } from '../_shared/testing/fake_twilio_api.ts';
import { readJobsConfig } from '../_shared/jobs/config.ts';
import { fakeJob, testJobDeps } from '../_shared/jobs/test_support.ts';
import { sendSatisfactionSurvey, SURVEY_TEXT } from '../_shared/jobs/satisfaction/handler.ts';
import { createHandler, THANKS } from './handler.ts';

const SID = `AC${'2'.repeat(32)}`;
const TOKEN = 'fake-twilio-token';
const AUTH_TOKEN = 'test-auth-token';

/** An inbound SMS webhook as Twilio posts it, signed with the twilio SDK's own signature function. */
async function incomingSms(from: string, body: string, opts: { sign?: boolean; token?: string } = {}) {
  const params = { MessageSid: `SM${crypto.randomUUID().replace(/-/g, '')}`, AccountSid: SID, From: from, To: BUSINESS_NUMBER, Body: body, NumMedia: '0' };
  const signature = opts.sign === false ? null : twilio.getExpectedTwilioSignature(opts.token ?? AUTH_TOKEN, `${PUBLIC_BASE}/twilio-sms`, params);
  return await signedRequest('twilio-sms', params, { signature });
}

Deno.test({ name: 'satisfaction by text message', ...needsDb, fn: async (t) => {
  const db = testSql();
  const { rt } = testRuntime();
  const handle = createHandler(rt);
  const api = startFakeTwilioApi(SID, TOKEN);
  const config = readJobsConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: BUSINESS_NUMBER, TWILIO_API_BASE_URL: api.url }, PUBLIC_BASE);
  const { deps } = testJobDeps({ config });
  const [{ before }] = await db`select satisfaction_sms as before from automation_settings`;
  const finished = async (optIn: boolean) => {
    await db`update automation_settings set satisfaction_sms = ${optIn}`;
    const { callSid, from } = await startTestCall(rt);
    await db`select finish_call(${callSid}, 'completed', 40)`;
    const [c] = await db`select id from conversations where call_sid = ${callSid}`;
    return { id: c.id as string, from };
  };
  try {
    let call: { id: string; from: string };

    await t.step('a completed call of an opted-in business queues one survey text, sent once through the Messages API', async () => {
      call = await finished(true);
      const jobs = await db`select kind from jobs where dedupe_key = ${`satisfaction_sms:${call.id}`}`;
      assertEquals(jobs.map((j) => j.kind), ['satisfaction_sms']);
      const first = await sendSatisfactionSurvey(fakeJob('satisfaction_sms', { conversation_id: call.id }), deps) as { sent: boolean; message_sid: string };
      assertEquals(first.sent, true);
      const sent = api.messages.filter((m) => m.to === call.from);
      assertEquals(sent.map((m) => [m.from, m.body]), [[BUSINESS_NUMBER, SURVEY_TEXT]]);
      const [survey] = await db`select message_sid, sent_at is not null as sent from satisfaction_surveys where conversation_id = ${call.id}`;
      assertEquals(survey, { message_sid: first.message_sid, sent: true });
      const again = await sendSatisfactionSurvey(fakeJob('satisfaction_sms', { conversation_id: call.id }), deps) as { sent: boolean };
      assertEquals(again.sent, false);
      assertEquals(api.messages.filter((m) => m.to === call.from).length, 1);
    });

    await t.step('unsigned or wrongly signed replies are refused and store nothing', async () => {
      assertEquals((await handle(await incomingSms(call.from, '5', { sign: false }))).status, 403);
      assertEquals((await handle(await incomingSms(call.from, '5', { token: 'not-the-token' }))).status, 403);
      const [c] = await db`select satisfaction_score from conversations where id = ${call.id}`;
      assertEquals(c.satisfaction_score, null);
    });

    await t.step('a reply that is not a rating is ignored', async () => {
      for (const body of ['call me back please', '10', '3 or 4', 'STOP']) {
        const res = await handle(await incomingSms(call.from, body));
        assertEquals(res.status, 200);
        assert(!(await res.text()).includes('<Message>'), body);
      }
      const [s] = await db`select score from satisfaction_surveys where conversation_id = ${call.id}`;
      assertEquals(s.score, null);
    });

    await t.step('a signed rating is stored on the survey and the call, and thanked', async () => {
      const res = await handle(await incomingSms(call.from, "I'd say 4!"));
      assertEquals(res.status, 200);
      assert((await res.text()).includes(`<Message>${THANKS}</Message>`));
      const [c] = await db`select c.satisfaction_score, s.score, s.answered_at is not null as answered
        from conversations c join satisfaction_surveys s on s.conversation_id = c.id where c.id = ${call.id}`;
      assertEquals(c, { satisfaction_score: 4, score: 4, answered: true });
      // A second reply finds no open survey: the first rating stands.
      const second = await handle(await incomingSms(call.from, '1'));
      assert(!(await second.text()).includes('<Message>'));
      assertEquals((await db`select satisfaction_score from conversations where id = ${call.id}`)[0].satisfaction_score, 4);
    });

    await t.step('a business that has not opted in sends nothing', async () => {
      const off = await finished(false);
      assertEquals((await db`select count(*)::int as n from satisfaction_surveys where conversation_id = ${off.id}`)[0].n, 0);
      assertEquals((await db`select count(*)::int as n from jobs where dedupe_key = ${`satisfaction_sms:${off.id}`}`)[0].n, 0);
    });

    await t.step('a number on the do-not-call list is never texted (where the list exists)', async () => {
      const [{ listed }] = await db`select to_regclass('public.do_not_call') is not null as listed`;
      if (!listed) return;
      await db`update automation_settings set satisfaction_sms = true`;
      const { callSid, from } = await startTestCall(rt);
      await db`insert into do_not_call (phone_number) values (${from})`;
      await db`select finish_call(${callSid}, 'completed', 40)`;
      assertEquals((await db`select count(*)::int as n from satisfaction_surveys where phone_number = ${from}`)[0].n, 0);
    });
  } finally {
    await db`update automation_settings set satisfaction_sms = ${before}`;
    await api.close();
    await db.end();
  }
} });
