import { assertEquals, assertMatch } from '../_shared/testing/assert.ts';
import {
  AUTH_TOKEN, callParams, needsDb, newCallSid, newCaller, PUBLIC_BASE, readTwiml, signedRequest, testRuntime, testSql,
} from '../_shared/testing/harness.ts';
import { computeSignature } from '../_shared/twilio/signature.ts';
import { createHandler as voiceHandler } from '../twilio-voice/handler.ts';
import { createHandler } from './handler.ts';
import { LOST_YOU } from '../_shared/calls/realtime/twiml.ts';

const STREAM_URL = `${PUBLIC_BASE.replace(/^http/, 'ws')}/twilio-media`;
const RELAY_URL = `${PUBLIC_BASE.replace(/^http/, 'ws')}/twilio-relay`;

function upgradeRequest(signature: string | null): Request {
  const headers: Record<string, string> = { upgrade: 'websocket', connection: 'Upgrade',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return new Request('http://127.0.0.1/twilio-media', { headers });
}

Deno.test('a media stream handshake that is unsigned, forged or signed for another URL gets 403', async () => {
  const { rt, log } = testRuntime();
  const handle = createHandler(rt);
  for (const signature of [null, 'bm90IGEgc2lnbmF0dXJl', await computeSignature(`${AUTH_TOKEN}x`, STREAM_URL, []),
    await computeSignature(AUTH_TOKEN, `${STREAM_URL}/x`, [])]) {
    const res = await handle(upgradeRequest(signature));
    assertEquals(res.status, 403);
  }
  assertEquals(log.lines.at(-1)?.message, 'media stream handshake signature rejected');
  await rt.sql.end();
});

Deno.test({ name: 'realtime voice mode: the answer, and what follows the stream', ...needsDb, fn: async (t) => {
  const db = testSql();
  const keyed = testRuntime({}, { OPENAI_REALTIME_API_KEY: 'sk-test' }).rt;
  const keyless = testRuntime().rt;

  await t.step('with a key, the call is connected to the media stream, then asks what comes next', async () => {
    const res = await voiceHandler(keyed)(await signedRequest('twilio-voice?mode=realtime',
      callParams(newCallSid(), newCaller())));
    const doc = readTwiml(await res.text());
    assertEquals(doc.verbs, ['Connect', 'Redirect']);
    assertEquals(doc.attr('Stream', 'url'), STREAM_URL);
    assertEquals([doc.attr('Parameter', 'name'), doc.attr('Parameter', 'value')], ['resume', '0']);
    assertEquals(doc.text('Redirect'), `${PUBLIC_BASE}/twilio-media/after`);
  });

  await t.step('without a key, the call continues in relay mode, said on its record', async () => {
    const callSid = newCallSid();
    const res = await voiceHandler(keyless)(await signedRequest('twilio-voice?mode=realtime',
      callParams(callSid, newCaller())));
    const doc = readTwiml(await res.text());
    assertEquals(doc.verbs, ['Connect']);
    assertEquals(doc.attr('ConversationRelay', 'url'), RELAY_URL);
    assertMatch(doc.attr('ConversationRelay', 'welcomeGreeting') ?? '', /Thanks for calling/);
    const [row] = await db`select voice_fallback from conversations where call_sid = ${callSid}`;
    assertEquals(row.voice_fallback, 'no OpenAI key');
  });

  await t.step('with the month\'s AI budget spent, the call goes on in relay mode, said on its record', async () => {
    const spent = testRuntime({ budget: { exhausted: () => Promise.resolve(true) } }, { OPENAI_REALTIME_API_KEY: 'sk-test' }).rt;
    const callSid = newCallSid();
    const doc = readTwiml(await (await voiceHandler(spent)(await signedRequest('twilio-voice?mode=realtime',
      callParams(callSid, newCaller())))).text());
    assertEquals([doc.verbs, doc.attr('ConversationRelay', 'url')], [['Connect'], RELAY_URL]);
    const [row] = await db`select voice_fallback from conversations where call_sid = ${callSid}`;
    assertEquals(row.voice_fallback, 'AI budget spent');
    await spent.sql.end();
  });

  await t.step('after the stream: transfer, hang-up, resume, or the fallback from the history', async () => {
    const callSid = newCallSid();
    const from = newCaller();
    await voiceHandler(keyed)(await signedRequest('twilio-voice?mode=realtime', callParams(callSid, from)));
    const after = async () => readTwiml(await (await createHandler(keyed)(await signedRequest('twilio-media/after',
      callParams(callSid, from)))).text());
    // Nothing recorded (the function died): relay takes over, and a caller who heard nothing hears the greeting.
    const lost = await after();
    assertEquals([lost.verbs, lost.attr('ConversationRelay', 'url')], [['Connect'], RELAY_URL]);
    assertMatch(lost.attr('ConversationRelay', 'welcomeGreeting') ?? '', /Thanks for calling|LegacyAI|help/i);
    await db`select public.record_turn(${callSid}, 1, '{"kind":"speech","text":"hello"}', 'Hi there.', '{}', '{}', '{}')`;
    await db`select public.record_stream_handoff(${callSid}, 'fallback', 'realtime API closed the session mid-call')`;
    const fallback = await after();
    assertEquals([fallback.verbs, fallback.attr('ConversationRelay', 'welcomeGreeting')], [['Connect'], LOST_YOU]);
    await db`select public.record_stream_handoff(${callSid}, 'resume', 'session limit')`;
    const resumed = await after();
    assertEquals([resumed.verbs, resumed.attr('Parameter', 'value')], [['Connect', 'Redirect'], '1']);
    await db`select public.record_stream_handoff(${callSid}, 'hangup', null)`;
    assertEquals((await after()).verbs, ['Hangup']);
    const [member] = await db`select user_id, phone from team_members where active limit 1`;
    await db`select public.record_turn(${callSid}, 2, '{"kind":"speech","text":"a person please"}', 'Connecting you.',
      '{}', '{}', ${db.json({ transfer: { user_id: member.user_id, phone: member.phone } })})`;
    await db`select public.record_stream_handoff(${callSid}, 'transfer', null)`;
    const transfer = await after();
    assertEquals([transfer.verbs, transfer.text('Number'), transfer.attr('Dial', 'action')],
      [['Dial'], member.phone, `${PUBLIC_BASE}/twilio-status/dial?n=2`]);
  });

  await t.step('the after-stream webhook checks the signature too', async () => {
    const res = await createHandler(keyed)(await signedRequest('twilio-media/after', callParams(newCallSid(), newCaller()),
      { signature: 'Zm9yZ2Vk' }));
    assertEquals(res.status, 403);
  });

  await db.end();
  await keyed.sql.end();
  await keyless.sql.end();
} });
