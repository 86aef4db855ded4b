import { assert, assertEquals, assertMatch } from '../../testing/assert.ts';
import {
  BUSINESS_NUMBER,
  callParams,
  needsDb,
  PUBLIC_BASE,
  readTwiml,
  signedRequest,
  testRuntime,
  testSql,
} from '../../testing/harness.ts';
import { startFakeTwilioApi } from '../../testing/fake_twilio_api.ts';
import { createHandler as twilioVoice } from '../../../twilio-voice/handler.ts';
import { readJobsConfig } from '../config.ts';
import { fakeJob, randomPhone, testJobDeps } from '../test_support.ts';
import { twilioCalls } from './twilio_calls.ts';
import { placeCallback } from './handler.ts';

const SID = `AC${'1'.repeat(32)}`;
const TOKEN = 'fake-twilio-token';
// Noon Eastern: within business hours and within calling hours in every US zone.
const IN_HOURS = new Date('2026-11-25T17:00:00Z');

Deno.test({
  name: 'place_callback job',
  ...needsDb,
  fn: async (t) => {
    const sql = testSql();
    const api = startFakeTwilioApi(SID, TOKEN);
    const config = readJobsConfig({
      TWILIO_ACCOUNT_SID: SID,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_PHONE_NUMBER: BUSINESS_NUMBER,
      TWILIO_API_BASE_URL: api.url,
    }, PUBLIC_BASE);
    const at = (now: Date) =>
      testJobDeps({ config, calls: twilioCalls(config.outbound!), now: () => now }).deps;
    await sql`update agent_configs set hours_override = null where is_active`;

    /** A callback the minute's cron has just taken (in progress), for a named customer. */
    async function takenCallback(maxAttempts = 3) {
      const phone = randomPhone();
      const [cu] =
        await sql`insert into customers (phone_number, name) values (${phone}, 'Ravi Shah') returning id`;
      const [task] =
        await sql`insert into scheduled_tasks (customer_id, task_type, scheduled_for, phone_number, notes,
        status, max_attempts)
      values (${cu.id}, 'callback', now(), ${phone}, 'Pricing for two locations', 'in_progress', ${maxAttempts})
      returning id`;
      return { taskId: task.id as string, phone };
    }
    const task = async (id: string) =>
      (await sql`select status, attempts, last_call_sid, scheduled_for from scheduled_tasks where id = ${id}`)[
        0
      ];

    await t.step('in business hours the call is placed through the Calls API and recorded', async (s) => {
      const { taskId, phone } = await takenCallback();
      const deps = at(IN_HOURS);
      const result = await placeCallback(fakeJob('place_callback', { task_id: taskId }), deps) as Record<
        string,
        unknown
      >;
      assertEquals([result.placed, result.attempt], [true, 1]);
      const placed = api.calls.at(-1)!;
      assertEquals(placed, {
        sid: result.call_sid as string,
        to: phone,
        from: BUSINESS_NUMBER,
        url: `${PUBLIC_BASE}/twilio-voice?callback=${taskId}`,
        statusCallback: `${PUBLIC_BASE}/twilio-status`,
        statusCallbackEvents: ['completed'],
        params: placed.params,
      });
      assertEquals(placed.params.Timeout, '25');
      const row = await task(taskId);
      assertEquals([row.status, row.attempts, row.last_call_sid], ['in_progress', 1, placed.sid]);
      const [conv] = await sql`select direction, to_number, state -> 'callback' ->> 'task_id' as task
      from conversations where call_sid = ${placed.sid}`;
      assertEquals(conv, { direction: 'outbound', to_number: phone, task: taskId });

      await s.step(
        "the callee answers and hears fixed words: no name and no notes a caller wrote",
        async () => {
          const { rt } = testRuntime();
          const res = await twilioVoice(rt)(
            await signedRequest(
              `twilio-voice?callback=${taskId}`,
              callParams(placed.sid, BUSINESS_NUMBER, {
                To: phone,
                Called: phone,
                Direction: 'outbound-api',
              }),
            ),
          );
          const text = await res.text();
          const doc = readTwiml(text);
          assertEquals(/Pricing|Ravi/.test(text), false);
          assertEquals(
            doc.says[0],
            'Hello, this is LegacyAI, returning a call you asked for. ' +
              "You're speaking with an AI assistant. Is now a good time to talk?",
          );
          // Answered in the configured voice mode: relay by default.
          assertEquals(doc.verbs[0], 'Connect');
          await rt.sql.end();
        },
      );

      await s.step('nobody answering puts it back for later', async () => {
        await sql`select public.finish_call(${placed.sid}, 'no-answer', 0)`;
        const row = await task(taskId);
        assertEquals(row.status, 'pending');
        assert(new Date(row.scheduled_for).getTime() > Date.now() + 50 * 60_000, 'an hour later');
      });
      await deps.sql.end();
    });

    await t.step(
      'outside business hours the callback waits for the next opening, without an attempt',
      async () => {
        const { taskId } = await takenCallback();
        const before = api.calls.length;
        const deps = at(new Date('2026-11-25T23:30:00Z')); // 18:30 Wednesday; Thursday is Thanksgiving
        assertEquals(await placeCallback(fakeJob('place_callback', { task_id: taskId }), deps), {
          deferred_until: '2026-11-27T14:00:00.000Z',
        });
        const row = await task(taskId);
        assertEquals([row.status, row.attempts, new Date(row.scheduled_for).toISOString()], [
          'pending',
          0,
          '2026-11-27T14:00:00.000Z',
        ]);
        assertEquals(api.calls.length, before);
        await deps.sql.end();
      },
    );

    await t.step(
      'Twilio refusing the call counts the attempt; the last one fails the task and tells the team',
      async () => {
        const { taskId } = await takenCallback(1);
        const deps = at(IN_HOURS);
        api.failNext(400, 21211);
        const result = await placeCallback(fakeJob('place_callback', { task_id: taskId }), deps) as Record<
          string,
          unknown
        >;
        assertEquals([result.placed, result.task_state], [false, 'failed']);
        assertMatch(
          String(result.error),
          /^PermanentJobError: Twilio refused the call \(status 400, code 21211\)$/,
        );
        assertEquals((await task(taskId)).attempts, 1);
        const [job] =
          await sql`select payload ->> 'kind' as kind from jobs where dedupe_key = ${`notify:callback_failed:${taskId}`}`;
        assertEquals(job, { kind: 'callback_failed' });

        await sql`update scheduled_tasks set status = 'in_progress' where id = ${taskId}`;
        const again = await placeCallback(fakeJob('place_callback', { task_id: taskId }), deps);
        assertEquals(again, { placed: false, reason: 'max attempts' });
        await deps.sql.end();
      },
    );

    await t.step('a number on the do-not-call list is never dialled; the task is cancelled', async () => {
      const { taskId, phone } = await takenCallback();
      await sql`select public.add_do_not_call(${phone}, 'caller', 'asked not to be called')`;
      const before = api.calls.length;
      const deps = at(IN_HOURS);
      assertEquals(await placeCallback(fakeJob('place_callback', { task_id: taskId }), deps), {
        placed: false,
        reason: 'do not call',
      });
      assertEquals(api.calls.length, before, 'no request reached the Calls API');
      assertEquals([(await task(taskId)).status, (await task(taskId)).attempts], ['cancelled', 0]);
      await deps.sql.end();
    });

    await t.step('outside calling hours in the callee\'s zone the callback waits, undialled', async () => {
      const { taskId } = await takenCallback();
      const before = api.calls.length;
      // 10 AM Eastern is open for the business but 7 AM Pacific: a number of unknown US zone waits.
      const deps = at(new Date('2026-11-25T15:00:00Z'));
      const result = await placeCallback(fakeJob('place_callback', { task_id: taskId }), deps);
      assertEquals(result, { placed: false, reason: 'outside calling hours' });
      assertEquals(api.calls.length, before);
      const row = await task(taskId);
      assertEquals([row.status, row.attempts, new Date(row.scheduled_for).toISOString()],
        ['pending', 0, '2026-11-25T16:00:00.000Z']);
      await deps.sql.end();
    });

    await t.step('a task already settled, or without outbound calling configured', async () => {
      const { taskId } = await takenCallback();
      await sql`update scheduled_tasks set status = 'done' where id = ${taskId}`;
      const deps = at(IN_HOURS);
      assertEquals(await placeCallback(fakeJob('place_callback', { task_id: taskId }), deps), {
        skipped: 'task is done',
      });
      const second = await takenCallback();
      const { deps: bare } = testJobDeps({ now: () => IN_HOURS });
      assertEquals(await placeCallback(fakeJob('place_callback', { task_id: second.taskId }), bare), {
        placed: false,
        reason: 'outbound calling not configured',
      });
      assertEquals((await task(second.taskId)).status, 'failed');
      const [job] =
        await sql`select payload from jobs where dedupe_key = ${`notify:callback_failed:${second.taskId}`}`;
      assertEquals(job.payload.reason, 'not_configured');
      await deps.sql.end();
      await bare.sql.end();
    });

    await api.close();
    await sql.end();
  },
});
