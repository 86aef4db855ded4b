/**
 * Reconciliation after a database outage: Twilio's stand-in holds a call and a voicemail the
 * database never saw (and a call whose final status callback was lost); the `reconcile_twilio`
 * job lists Twilio's Calls and Recordings for the outage window and stores each exactly once,
 * run once or twice. The outage itself is noticed by the webhooks (OutageWatch), which enqueue
 * the job when the database answers again.
 */
import { assertEquals } from '../../testing/assert.ts';
import { AUTH_TOKEN, BUSINESS_NUMBER, callParams, needsDb, newCaller, newCallSid, PUBLIC_BASE, signedRequest, testSql } from '../../testing/harness.ts';
import { startFakeTwilioApi } from '../../testing/fake_twilio_api.ts';
import { memoryLogger } from '../../runtime/log.ts';
import { readJobsConfig } from '../config.ts';
import { fakeJob, testJobDeps } from '../test_support.ts';
import { twilioHistory } from './twilio_history.ts';
import { reconcileTwilio } from './handler.ts';
import { OutageWatch } from '../../calls/outage.ts';
import { twilioWebhook } from '../../calls/webhook.ts';
import { testRuntime } from '../../testing/harness.ts';

const SID = `AC${'3'.repeat(32)}`;
const TOKEN = 'fake-twilio-token';
const min = (n: number) => new Date(Date.now() + n * 60_000);

Deno.test({ name: 'reconcile_twilio: calls and voicemails Twilio holds from an outage are stored once', ...needsDb,
  fn: async (t) => {
    const sql = testSql();
    const api = startFakeTwilioApi(SID, TOKEN);
    const config = readJobsConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: BUSINESS_NUMBER,
      TWILIO_API_BASE_URL: api.url }, PUBLIC_BASE);
    const { deps } = testJobDeps({ config, history: twilioHistory(config.outbound!) });
    const job = fakeJob('reconcile_twilio', { since: min(-20).toISOString(), until: min(1).toISOString() });
    // The outage's calls: one the database never saw, with its voicemail; one stored but left
    // open (its final status callback lost); a transfer's child leg; one from before the window.
    const caller = newCaller();
    const missed = api.addCall({ from: caller, to: BUSINESS_NUMBER, status: 'completed', startTime: min(-10),
      endTime: min(-8), durationSeconds: 95 });
    const voicemail = api.addRecording({ callSid: missed, source: 'RecordVerb', durationSeconds: 31, dateCreated: min(-9) });
    const open = newCallSid();
    const openCaller = newCaller();
    await sql`select public.start_call(${open}, ${openCaller}, ${BUSINESS_NUMBER})`;
    api.addCall({ sid: open, from: openCaller, to: BUSINESS_NUMBER, status: 'completed', startTime: min(-5),
      endTime: min(-4), durationSeconds: 40 });
    const child = api.addCall({ from: BUSINESS_NUMBER, to: newCaller(), status: 'completed', direction: 'outbound-dial',
      parentCallSid: open, startTime: min(-5), endTime: min(-4), durationSeconds: 30 });
    // A call recording (not a voicemail) and a voicemail whose webhook came through.
    api.addRecording({ callSid: open, source: 'StartCallRecordingAPI', durationSeconds: 40, dateCreated: min(-5) });
    const storedCall = newCallSid();
    const storedCaller = newCaller();
    await sql`select public.start_call(${storedCall}, ${storedCaller}, ${BUSINESS_NUMBER})`;
    api.addCall({ sid: storedCall, from: storedCaller, to: BUSINESS_NUMBER, status: 'in-progress', startTime: min(-3) });
    const stored = api.addRecording({ callSid: storedCall, source: 'RecordVerb', durationSeconds: 12, dateCreated: min(-2) });
    await sql`select public.record_voicemail(${storedCall}, ${storedCaller}, ${
      `https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${stored}`}, 12)`;
    // Earlier calls: outside the window (listed by Twilio, whose filter is by day), and more than
    // a page of them, so the job follows next_page_uri.
    const earlier = Array.from({ length: 101 }, () =>
      api.addCall({ from: newCaller(), to: BUSINESS_NUMBER, status: 'completed', startTime: min(-40), durationSeconds: 5 }));

    const facts = async () => ({
      missed: [...await sql`select c.status, c.direction, c.from_number, c.to_number, c.duration_seconds,
          c.reconciled_at is not null as reconciled, c.ended_at is not null as ended,
          abs(extract(epoch from c.started_at - ${min(-10)}::timestamptz)) < 2 as started_as_twilio_says
        from conversations c where c.call_sid = ${missed}`],
      voicemails: [...await sql`select t.notes, t.phone_number, c.call_sid from scheduled_tasks t
        left join conversations c on c.id = t.conversation_id
        where t.task_type = 'message' and strpos(t.notes, ${voicemail}) > 0`],
      open: (await sql`select status, ended_at is not null as ended, duration_seconds, reconciled_at is not null as reconciled
        from conversations where call_sid = ${open}`)[0],
      others: (await sql`select count(*)::int as n from conversations where call_sid = any(${[child, ...earlier]})`)[0].n,
      storedVoicemail: (await sql`select count(*)::int as n from scheduled_tasks where strpos(notes, ${stored}) > 0`)[0].n,
      customer: (await sql`select call_count from customers where phone_number = ${caller}`)[0]?.call_count,
    });
    try {
      await t.step('the first run stores the missed call and its voicemail, and closes the open call', async () => {
        assertEquals(await reconcileTwilio(job, deps), { calls_seen: 4, calls_created: 1, calls_closed: 1, voicemails_created: 1 });
        const f = await facts();
        assertEquals(f.missed, [{ status: 'completed', direction: 'inbound', from_number: caller, to_number: BUSINESS_NUMBER,
          duration_seconds: 95, reconciled: true, ended: true, started_as_twilio_says: true }]);
        assertEquals(f.voicemails.length, 1);
        assertEquals(f.voicemails[0].call_sid, missed);
        assertEquals(f.voicemails[0].phone_number, caller);
        assertEquals(f.voicemails[0].notes,
          `Voicemail (31 s): https://api.twilio.com/2010-04-01/Accounts/${SID}/Recordings/${voicemail}`);
        assertEquals(f.open, { status: 'completed', ended: true, duration_seconds: 40, reconciled: false });
        assertEquals([f.others, f.storedVoicemail, f.customer], [0, 1, 1]);
      });

      await t.step('run again: nothing is stored twice', async () => {
        const before = await facts();
        assertEquals(await reconcileTwilio(job, deps), { calls_seen: 4, calls_created: 0, calls_closed: 0, voicemails_created: 0 });
        assertEquals(await facts(), before);
      });

      await t.step('every page of the list is read (next_page_uri), and the window applied', async () => {
        const all = await deps.history!.calls(min(-60), min(1));
        assertEquals(all.length, 105);
        assertEquals((await deps.history!.calls(min(-20), min(1))).map((c) => c.sid).sort(),
          [missed, open, child, storedCall].sort());
        assertEquals((await deps.history!.recordings(min(-20), min(1))).length, 3);
      });

      await t.step('without Twilio credentials the job says so and stores nothing', async () => {
        const { deps: none } = testJobDeps();
        assertEquals(await reconcileTwilio(job, none), { skipped: 'no Twilio credentials' });
        await none.sql.end();
      });

      await t.step('Twilio down: the job fails to be retried (transient)', async () => {
        api.failNext(503, 20500, 1);
        const err = await reconcileTwilio(job, deps).then(() => null, (e) => e);
        assertEquals(err?.name, 'TransientJobError');
      });
    } finally {
      await sql`delete from scheduled_tasks where strpos(notes, ${voicemail}) > 0 or strpos(notes, ${stored}) > 0`;
      await sql`delete from conversations where call_sid = any(${[missed, open, storedCall]})`;
      await api.close();
      await sql.end();
      await deps.sql.end();
    }
  } });

Deno.test({ name: 'the database back after an outage: one reconciliation job for the window', ...needsDb, fn: async () => {
  const sql = testSql();
  let clock = Date.now();
  const watch = new OutageWatch(sql, memoryLogger(), () => clock);
  const start = clock;
  try {
    await watch.up(); // no outage seen: nothing
    watch.down();
    clock += 30_000;
    watch.down();
    clock += 5_000;
    await Promise.all([watch.up(), watch.up()]);
    await watch.up();
    const jobs = await sql`select payload from jobs where kind = 'reconcile_twilio'
      and (payload ->> 'since')::timestamptz = ${new Date(start - 120_000)}`;
    assertEquals(jobs.length, 1);
    assertEquals(new Date(jobs[0].payload.until).getTime(), start + 35_000 + 120_000);
    assertEquals(watch.startedAt, null);
  } finally {
    await sql`delete from jobs where kind = 'reconcile_twilio' and (payload ->> 'since')::timestamptz = ${new Date(start - 120_000)}`;
    await sql.end();
  }
} });

Deno.test('webhooks tell the outage watch: a fallback answer is down, an answer from the database is up', async () => {
  const { rt } = testRuntime();
  const seen: string[] = [];
  rt.outage = { down: () => seen.push('down'), up: () => (seen.push('up'), Promise.resolve()) } as unknown as OutageWatch;
  let fail = true;
  const handle = twilioWebhook(rt, 'twilio-voice', () => fail ? Promise.reject(new Error('database down')) : Promise.resolve('<Response/>'),
    () => '<Response><Say>fallback</Say></Response>');
  const post = async () => (await handle(await signedRequest('twilio-voice', callParams(newCallSid(), newCaller()),
    { token: AUTH_TOKEN }))).status;
  assertEquals(await post(), 200);
  fail = false;
  assertEquals(await post(), 200);
  assertEquals(seen, ['down', 'up']);
  await rt.sql.end();
});
