/**
 * The privacy rules of a call, end to end through the webhooks (in process) and the jobs, on the
 * test database, with Twilio's REST API played by its local stand-in: consent declined means no
 * recording request ever reaches Twilio; a yes starts a dual-channel recording; a card number is
 * redacted before the brain, the database or a log sees it; "delete my data" becomes a request
 * for the team and "don't call me" a do-not-call entry.
 */
import { assert, assertEquals, assertMatch } from '../testing/assert.ts';
import { callParams, needsDb, readTwiml, signedRequest, testRuntime, testSql } from '../testing/harness.ts';
import { startTestCall } from '../testing/calls.ts';
import { scriptedBrain } from '../testing/scripted_brain.ts';
import { startFakeTwilioApi } from '../testing/fake_twilio_api.ts';
import { createHandler as twilioTurn } from '../../twilio-turn/handler.ts';
import { createHandler as twilioStatus } from '../../twilio-status/handler.ts';
import { readJobsConfig } from '../jobs/config.ts';
import { fakeJob, testJobDeps } from '../jobs/test_support.ts';
import { twilioRecordings } from '../jobs/recordings/twilio_recordings.ts';
import { deleteRecording, startRecording } from '../jobs/recordings/handler.ts';

const SID = `AC${'2'.repeat(32)}`;
const TOKEN = 'fake-twilio-token';

Deno.test({ name: 'privacy in a call', ...needsDb, fn: async (t) => {
  const brain = scriptedBrain((ctx) => ({ reply: `Brain heard: ${ctx.input.kind === 'speech' ? ctx.input.text : ctx.input.kind}` }));
  const { rt, log } = testRuntime({ brain: () => brain });
  const turn = twilioTurn(rt);
  const db = testSql();
  const api = startFakeTwilioApi(SID, TOKEN);
  const config = readJobsConfig({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_PHONE_NUMBER: '+15550100000',
    TWILIO_API_BASE_URL: api.url }, 'https://voice.example.test/functions/v1');
  const { deps } = testJobDeps({ config, recordings: twilioRecordings(config.outbound!) });
  const say = async (callSid: string, from: string, n: number, speech: string) => {
    const res = await turn(await signedRequest(`twilio-turn?n=${n}`, callParams(callSid, from, { SpeechResult: speech })));
    assertEquals(res.status, 200);
    return readTwiml(await res.text()).says.join(' ');
  };
  const conversation = async (callSid: string) =>
    (await db`select id, recording_consent, recording_consent_at from conversations where call_sid = ${callSid}`)[0];
  const [{ mode: previousMode }] = await db`select recording_mode as mode from agent_configs where is_active`;
  // The process's copy of the config is keyed by version: a changed mode is read afresh.
  const setMode = (mode: string) => db`update agent_configs set recording_mode = ${mode} where is_active`;

  try {
    await t.step('ask mode: the greeting discloses the AI and asks; a no is stored and nothing is recorded', async () => {
      await setMode('ask');
      const { callSid, from, twiml } = await startTestCall(rt);
      const greeting = readTwiml(twiml).says.join(' ');
      assertMatch(greeting, /speaking with an AI assistant/);
      assertMatch(greeting, /May we record this call for quality\? Please say yes or no\.$/);
      assertEquals(await say(callSid, from, 1, "No, I'd rather you didn't"),
        "No problem, this call won't be recorded. How can I help you?");
      const c = await conversation(callSid);
      assertEquals(c.recording_consent, 'declined');
      assert(c.recording_consent_at instanceof Date);
      assertEquals((await db`select count(*)::int as n from jobs where dedupe_key = ${`start_recording:${c.id}`}`)[0].n, 0);
      // Even a job asked to start one is refused by the database: Twilio gets no request.
      assertEquals(await startRecording(fakeJob('start_recording', { conversation_id: c.id }), deps),
        { recording: false, reason: 'no consent' });
      assertEquals(api.recordings.filter((r) => r.callSid === callSid), []);
    });

    await t.step('an unclear answer is no consent: the caller is told, and the brain answers the words', async () => {
      const { callSid, from } = await startTestCall(rt);
      assertEquals(await say(callSid, from, 1, 'How much is the starter plan?'),
        "This call won't be recorded. Brain heard: How much is the starter plan?");
      assertEquals((await conversation(callSid)).recording_consent, 'declined');
    });

    await t.step('a yes queues the recording; it starts at Twilio as a dual-channel recording', async () => {
      const { callSid, from } = await startTestCall(rt);
      assertEquals(await say(callSid, from, 1, 'Yes, that is fine'), 'Thank you, the call is now being recorded. How can I help you?');
      const c = await conversation(callSid);
      const key = `start_recording:${c.id}`;
      assertEquals((await db`select kind, payload from jobs where dedupe_key = ${key}`)[0],
        { kind: 'start_recording', payload: { conversation_id: c.id } });
      // The test stack's own worker runs the queued job against the stack's Twilio stand-in.
      let job: { state: string; result: { recording?: boolean; recording_sid?: string } } | undefined;
      for (let i = 0; i < 200 && job?.state !== 'done'; i++) {
        job = (await db`select state, result from jobs where dedupe_key = ${key}`)[0] as typeof job;
        if (job?.state !== 'done') await new Promise((r) => setTimeout(r, 100));
      }
      assertEquals(job?.result.recording, true);
      assertEquals((await db`select status, recording_sid from call_recordings where call_sid = ${callSid}`)[0],
        { status: 'in-progress', recording_sid: job!.result.recording_sid });
      // Twilio reports the finished recording.
      const done = await twilioStatus(rt)(await signedRequest('twilio-status/call-recording', callParams(callSid, from, {
        RecordingSid: job!.result.recording_sid!, RecordingStatus: 'completed', RecordingDuration: '42',
        RecordingChannels: '2' })));
      assertEquals(done.status, 200);
      assertEquals((await db`select status, duration_seconds from call_recordings where call_sid = ${callSid}`)[0],
        { status: 'completed', duration_seconds: 42 });
      // A second run of the job never asks twice.
      assertEquals(await startRecording(fakeJob('start_recording', { conversation_id: c.id }), deps),
        { recording: false, reason: 'already recording' });
      // What the SDK sends, seen by this test's own stand-in.
      const sid = await deps.recordings!.start(callSid, 'https://voice.example.test/functions/v1/twilio-status/call-recording');
      const asked = api.recordings.find((r) => r.sid === sid)!;
      assertEquals([asked.callSid, asked.params.RecordingChannels], [callSid, 'dual']);
      await db`update call_recordings set recording_sid = ${sid} where call_sid = ${callSid}`;
      assertEquals(await deleteRecording(fakeJob('delete_recording', { recording_sid: sid }), deps),
        { deleted: true, was_at_twilio: true });
      assertEquals(api.deletedRecordings, [sid]);
      assertEquals((await db`select status from call_recordings where call_sid = ${callSid}`)[0].status, 'deleted');
    });

    await t.step('announce mode: the greeting says so, and that is the condition', async () => {
      await setMode('announce');
      const { callSid, twiml } = await startTestCall(rt);
      assertMatch(readTwiml(twiml).says.join(' '), /This call is recorded for quality and training\. How can I help you today\?$/);
      assertEquals((await conversation(callSid)).recording_consent, 'announced');
    });

    await t.step('off: no question, no recording', async () => {
      await setMode('off');
      const { callSid, from, twiml } = await startTestCall(rt);
      assertEquals(/record/i.test(readTwiml(twiml).says.join(' ')), false);
      assertEquals(await say(callSid, from, 1, 'Yes'), 'Brain heard: Yes');
      assertEquals((await conversation(callSid)).recording_consent, null);
    });

    await t.step('a card number is redacted before the brain, the database and the log see it', async () => {
      const { callSid, from } = await startTestCall(rt);
      const reply = await say(callSid, from, 1, 'Can I pay now? My card is 4111 1111 1111 1111');
      assertEquals(reply, "For your security, please don't share card or bank details over the phone: I've left them out. " +
        'Brain heard: Can I pay now? My card is [card number removed]');
      const heard = brain.seen.at(-1)!.input;
      assertEquals(heard.kind === 'speech' && heard.text, 'Can I pay now? My card is [card number removed]');
      const rows = await db`select string_agg(m.content, ' ') as text from messages m join conversations c
        on c.id = m.conversation_id where c.call_sid = ${callSid}`;
      assertEquals(/4111/.test(rows[0].text), false);
      assertEquals(JSON.stringify(log.lines).includes('4111'), false);
      const keyed = await turn(await signedRequest('twilio-turn?n=2', callParams(callSid, from, { Digits: '4111111111111111' })));
      assertMatch(readTwiml(await keyed.text()).says.join(' '), /^For your security/);
      assertEquals(brain.seen.at(-1)!.input, { kind: 'silence' });
    });

    await t.step('"delete my data" becomes a request and a task; "don\'t call me" lists the number', async () => {
      const { callSid, from } = await startTestCall(rt);
      assertMatch(await say(callSid, from, 1, 'Please delete all my data'), /passed your request to delete your data/);
      const [req] = await db`select r.status, t.task_type from data_requests r join scheduled_tasks t on t.id = r.task_id
        join conversations c on c.id = r.conversation_id where c.call_sid = ${callSid}`;
      assertEquals(req, { status: 'pending', task_type: 'follow_up' });
      assertMatch(await say(callSid, from, 2, "And please don't call me again."), /do-not-call list/);
      assertEquals((await db`select public.is_do_not_call(${from}) as listed`)[0].listed, true);
      assertMatch(await say(callSid, from, 3, 'Por favor borren mis datos'), /He pasado su solicitud/);
    });
  } finally {
    await setMode(previousMode);
    await api.close();
    await rt.sql.end();
    await deps.sql.end();
    await db.end();
  }
} });
