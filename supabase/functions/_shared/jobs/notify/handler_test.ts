import { assert, assertEquals, assertMatch, assertRejects } from '../../testing/assert.ts';
import { needsDb, testSql } from '../../testing/harness.ts';
import { startFakeMailgun } from '../../testing/fake_mailgun.ts';
import { readJobsConfig } from '../config.ts';
import { mailgunMailer } from './mailer.ts';
import { notify } from './handler.ts';
import { isRetryable, Snooze } from '../errors.ts';
import { fakeJob, insertClosedCall, randomPhone, testJobDeps } from '../test_support.ts';

Deno.test({
  name: 'notify job',
  ...needsDb,
  fn: async (t) => {
    const sql = testSql();
    const mg = startFakeMailgun();
    const env = { MAILGUN_API_KEY: mg.key, MAILGUN_DOMAIN: 'mg.legacyai.test', MAILGUN_URL: mg.url };
    const config = readJobsConfig(env, 'https://voice.example.test/functions/v1');
    const mailer = mailgunMailer(config.mailgun!);
    const notification = async (key: string) =>
      (await sql`select kind, subject, body, status, recipients, provider_message_id, error, conversation_id, customer_id
      from notifications where dedupe_key = ${key}`)[0];

    await t.step('a new lead is kept and emailed to the team through Mailgun', async () => {
      const { deps } = testJobDeps({ config, mailer });
      const phone = randomPhone();
      const [cu] = await sql`insert into customers (phone_number, name, company, email, need)
      values (${phone}, 'Dana Whitfield', 'Orchard Dental', 'dana@orcharddental.com', 'AI receptionist') returning id`;
      const job = fakeJob('notify', { kind: 'new_lead', customer_id: cu.id });
      assertEquals((await notify(job, deps) as { status: string }).status, 'sent');
      const n = await notification(job.dedupe_key!);
      assertEquals([n.kind, n.subject, n.status, n.customer_id], [
        'new_lead',
        'New lead: Dana Whitfield (Orchard Dental)',
        'sent',
        cu.id,
      ]);
      assertMatch(n.body, /Email: dana@orcharddental\.com/);
      const mail = mg.sent.at(-1)!;
      assertEquals([mail.domain, mail.subject, mail.tags, mail.from], ['mg.legacyai.test', n.subject, [
        'new_lead',
      ], 'LegacyAI Voice <voice@mg.legacyai.test>']);
      assertEquals(mail.to, n.recipients);
      assert(mail.to.includes('alex@legacyai.info'), 'the seed team gets it');
      assertMatch(n.provider_message_id, /^<fake\.\d+@mg\.legacyai\.test>$/);
      assertEquals(
        mail.vars.notification_id,
        (await sql`select id from notifications where dedupe_key = ${job.dedupe_key}`)[0].id,
      );

      const again = await notify(job, deps);
      assertEquals((again as { status: string }).status, 'sent');
      assertEquals(
        mg.sent.filter((m) => m.subject === n.subject && m.to.join() === mail.to.join()).length,
        1,
        'a job run twice sends one email',
      );
      await deps.sql.end();
    });

    await t.step('without Mailgun the notification stays in the table for the dashboard', async () => {
      const { deps } = testJobDeps();
      const call = await insertClosedCall(sql, {
        outcome: 'answered',
        turns: [['caller', 'What are your hours?']],
      });
      await sql`update conversations set summary = 'Asked about hours.' where id = ${call.conversationId}`;
      const job = fakeJob('notify', { kind: 'call_summary', conversation_id: call.conversationId });
      assertEquals((await notify(job, deps) as { status: string }).status, 'stored');
      const n = await notification(job.dedupe_key!);
      assertEquals([n.status, n.conversation_id], ['stored', call.conversationId]);
      assertMatch(n.subject, /^Call from \+1555\d{7}: questions answered$/);
      assertMatch(
        n.body,
        /^Asked about hours\.\n\nStarted: .*\nDuration: 120 s\nOutcome: questions answered$/,
      );
      await deps.sql.end();
    });

    await t.step('a kind the team does not want by email is only stored', async () => {
      const { deps } = testJobDeps({ config, mailer });
      const before = mg.sent.length;
      const call = await insertClosedCall(sql, { outcome: 'answered' });
      const job = fakeJob('notify', { kind: 'call_summary', conversation_id: call.conversationId });
      assertEquals((await notify(job, deps) as { status: string }).status, 'stored');
      assertEquals(mg.sent.length, before);
      await deps.sql.end();
    });

    await t.step(
      'Mailgun down: retried with the notification pending; refused: dead and marked failed',
      async () => {
        const { deps } = testJobDeps({ config, mailer });
        const job = fakeJob('notify', {
          kind: 'alert',
          alert: 'hourly_cost',
          cost_usd: 12.5,
          budget_usd: 10,
        });
        mg.failNext(503);
        const err = await assertRejects(() => notify(job, deps), /status 503/);
        assertEquals(isRetryable(err), true);
        assertEquals((await notification(job.dedupe_key!)).status, 'pending');
        assertEquals((await notify({ ...job, attempts: 2 }, deps) as { status: string }).status, 'sent');
        assertEquals(mg.sent.at(-1)!.subject, 'Alert: AI cost of $12.5 in the last hour');

        const bad = mailgunMailer({ ...config.mailgun!, apiKey: 'wrong-key' });
        const refused = fakeJob('notify', {
          kind: 'alert',
          alert: 'escalation_rate',
          calls: 4,
          escalated: 3,
        });
        const e2 = await assertRejects(() => notify(refused, { ...deps, mailer: bad }), /status 401/);
        assertEquals(isRetryable(e2), false);
        const n = await notification(refused.dedupe_key!);
        assertEquals([n.status, n.error], [
          'failed',
          'PermanentJobError: mailgun refused the message (status 401)',
        ]);
        await deps.sql.end();
      },
    );

    await t.step('a lead still on the call waits; a transfer answered after all is no news', async () => {
      const { deps } = testJobDeps();
      const phone = randomPhone();
      const started = await sql`select public.start_call(${`CA${
        crypto.randomUUID().replaceAll('-', '')
      }`}, ${phone},
      '+15550100000') as r`;
      await sql`update customers set name = 'Live Caller' where phone_number = ${phone}`;
      const result = await notify(
        fakeJob('notify', { kind: 'new_lead', customer_id: started[0].r.customer.id }),
        deps,
      );
      assert(result instanceof Snooze, 'snoozed while the call goes on');

      const call = await insertClosedCall(sql, {
        escalated: true,
        transferStatus: 'completed',
        outcome: 'escalated',
      });
      assertEquals(
        await notify(
          fakeJob('notify', { kind: 'unanswered_escalation', conversation_id: call.conversationId }),
          deps,
        ),
        { skipped: 'nothing to tell' },
      );
      const missed = await insertClosedCall(sql, {
        escalated: true,
        transferStatus: 'no-answer',
        outcome: 'escalated',
        customer: { name: 'Sam Rivera' },
      });
      const job = fakeJob('notify', {
        kind: 'unanswered_escalation',
        conversation_id: missed.conversationId,
      });
      await notify(job, deps);
      assertEquals((await notification(job.dedupe_key!)).subject, 'Nobody answered a transfer: Sam Rivera');
      await deps.sql.end();
    });

    await t.step('the daily report rolls up the day and lists what needs the team', async () => {
      const { deps } = testJobDeps();
      const day = new Date().toLocaleDateString('en-CA', { timeZone: 'America/New_York' });
      const job = fakeJob('notify', { kind: 'daily_report', day });
      await notify(job, deps);
      const n = await notification(job.dedupe_key!);
      assertMatch(n.subject, new RegExp(`^Calls on ${day}: \\d+ calls?, \\d+ escalated$`));
      assertMatch(n.body, /^Calls: \d+\n/);
      assertMatch(n.body, /Leads, callbacks, messages and escalations:\n- /);
      await assertRejects(
        () => notify(fakeJob('notify', { kind: 'daily_report', day: 'yesterday' }), deps),
        /valid day/,
      );
      await assertRejects(
        () => notify(fakeJob('notify', { kind: 'gossip' }), deps),
        /unknown notification kind/,
      );
      await deps.sql.end();
    });

    await mg.close();
    await sql.end();
  },
});
