import { assertEquals } from '../_shared/testing/assert.ts';
import { callParams, needsDb, newCallSid, newCaller, PUBLIC_BASE, readTwiml, signedRequest, testRuntime, testSql } from '../_shared/testing/harness.ts';
import { startTestCall } from '../_shared/testing/calls.ts';
import { createHandler } from './handler.ts';

Deno.test({ name: 'twilio-status', ...needsDb, fn: async (t) => {
  const { rt } = testRuntime();
  const handle = createHandler(rt);
  const db = testSql();
  const post = async (path: string, callSid: string, from: string, extra: Record<string, string>) => {
    const res = await handle(await signedRequest(path, callParams(callSid, from, extra)));
    assertEquals(res.status, 200);
    return readTwiml(await res.text());
  };

  await t.step('completed closes the conversation once; duplicates and late in-progress change nothing', async () => {
    const { callSid, from } = await startTestCall(rt);
    await post('twilio-status', callSid, from, { CallStatus: 'completed', CallDuration: '42' });
    const [first] = await db`select status, ended_at, duration_seconds from conversations where call_sid = ${callSid}`;
    assertEquals([first.status, first.duration_seconds], ['completed', 42]);
    await post('twilio-status', callSid, from, { CallStatus: 'in-progress' });
    await post('twilio-status', callSid, from, { CallStatus: 'completed', CallDuration: '50' });
    const [after] = await db`select status, ended_at, duration_seconds from conversations where call_sid = ${callSid}`;
    assertEquals(after, first);
  });

  await t.step('busy, no-answer, failed and canceled close the call with that status', async () => {
    for (const status of ['busy', 'no-answer', 'failed', 'canceled']) {
      const { callSid, from } = await startTestCall(rt);
      await post('twilio-status', callSid, from, { CallStatus: status });
      const [c] = await db`select status, ended_at is not null as ended from conversations where call_sid = ${callSid}`;
      assertEquals([c.status, c.ended], [status, true]);
    }
  });

  await t.step('a status for a call never answered is accepted and ignored', async () => {
    const doc = await post('twilio-status', newCallSid(), newCaller(), { CallStatus: 'completed', CallDuration: '3' });
    assertEquals(doc.verbs, []);
  });

  await t.step('dial action: connected → hang up; not answered → the agent takes the next turn', async () => {
    const { callSid, from } = await startTestCall(rt);
    assertEquals((await post('twilio-status/dial?n=2', callSid, from, { DialCallStatus: 'completed', DialCallDuration: '30' })).verbs,
      ['Hangup']);
    const [c] = await db`select transfer_status from conversations where call_sid = ${callSid}`;
    assertEquals(c.transfer_status, 'completed');
    const other = await startTestCall(rt);
    const doc = await post('twilio-status/dial?n=2', other.callSid, other.from, { DialCallStatus: 'no-answer' });
    assertEquals(doc.verbs, ['Redirect']);
    assertEquals(doc.text('Redirect'), `${PUBLIC_BASE}/twilio-turn?n=3&dial=no-answer`);
  });

  await t.step('a recorded message becomes a task for the team, and the caller hears a goodbye', async () => {
    const { callSid, from } = await startTestCall(rt);
    const doc = await post('twilio-status/recording', callSid, from, {
      RecordingUrl: `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE${callSid.slice(2)}`, RecordingDuration: '12', Digits: '#' });
    assertEquals(doc.verbs, ['Say', 'Hangup']);
    const [task] = await db`select t.task_type, t.notes from scheduled_tasks t join customers c on c.id = t.customer_id
      where c.phone_number = ${from}`;
    assertEquals(task.task_type, 'message');
  });

  await db.end();
  await rt.sql.end();
} });

Deno.test({ name: 'twilio-status: a voicemail the database cannot store is not logged with its recording URL',
  sanitizeResources: false, sanitizeOps: false, fn: async () => {
    const { rt, log } = testRuntime({}, { SUPABASE_DB_URL: 'postgresql://postgres:postgres@127.0.0.1:9/none' });
    const callSid = newCallSid();
    const recordingSid = `RE${newCallSid().slice(2)}`;
    const url = `https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/${recordingSid}`;
    const res = await createHandler(rt)(await signedRequest('twilio-status/recording',
      callParams(callSid, newCaller(), { RecordingUrl: url, RecordingDuration: '12' })));
    assertEquals(readTwiml(await res.text()).verbs, ['Say', 'Hangup']);
    const logged = JSON.stringify(log.lines);
    assertEquals(logged.includes('voicemail not stored'), true);
    assertEquals(logged.includes('Recordings') || logged.includes(recordingSid), false);
    await rt.sql.end();
  } });
