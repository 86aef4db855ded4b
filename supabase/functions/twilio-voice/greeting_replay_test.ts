/**
 * A retried voice webhook (Twilio got no answer in time and POSTs the same CallSid again) replays
 * the greeting stored the first time: the call is opened once, the greeting stored once, and the
 * TwiML of the retry says the same words in the same voice mode, even when the agent's config
 * changed in between.
 */
import { assertEquals } from '../_shared/testing/assert.ts';
import { callParams, needsDb, newCallSid, newCaller, readTwiml, signedRequest, testRuntime, testSql } from '../_shared/testing/harness.ts';
import { createHandler } from './handler.ts';

Deno.test({ name: 'twilio-voice: a retried webhook replays the stored greeting', ...needsDb, fn: async (t) => {
  const db = testSql();
  const { rt } = testRuntime();
  const handle = createHandler(rt);
  // A config the test owns (inactive), with a different greeting, that the call is moved onto
  // between the first POST and its retry.
  const [changed] = await db<{ id: string }[]>`
    insert into agent_configs select (jsonb_populate_record(null::agent_configs, to_jsonb(a) || jsonb_build_object(
      'id', gen_random_uuid(), 'name', 'greeting replay test', 'is_active', false,
      'greeting', 'A greeting changed after the first answer.'))).*
    from agent_configs a where a.is_active returning id`;
  const post = async (path: string, callSid: string, from: string) => {
    const res = await handle(await signedRequest(path, callParams(callSid, from, { CallStatus: 'ringing' })));
    assertEquals(res.status, 200);
    return await res.text();
  };
  const stored = async (callSid: string) => {
    const [row] = await db`select count(distinct c.id)::int as conversations, count(m.id)::int as greetings,
      max(m.content) as greeting, max(cu.call_count) as call_count
      from conversations c left join messages m on m.conversation_id = c.id and m.turn = 0
      left join customers cu on cu.id = c.customer_id where c.call_sid = ${callSid}`;
    return row;
  };
  const retried = async (path: string, said: (xml: string) => string | undefined) => {
    const callSid = newCallSid();
    const from = newCaller();
    const first = await post(path, callSid, from);
    const greeting = said(first)!;
    await db`update conversations set agent_config_id = ${changed.id} where call_sid = ${callSid}`;
    const second = await post(path, callSid, from);
    assertEquals(second, first);
    assertEquals(said(second), greeting);
    assertEquals(await stored(callSid), { conversations: 1, greetings: 1, greeting, call_count: 1 });
  };
  try {
    await t.step('relay mode (the default): the same <ConversationRelay welcomeGreeting>', () =>
      retried('twilio-voice', (xml) => {
        const doc = readTwiml(xml);
        assertEquals(doc.verbs, ['Connect']);
        return doc.attr('ConversationRelay', 'welcomeGreeting');
      }));

    await t.step('gather mode: the same <Say> inside the same <Gather>', () =>
      retried('twilio-voice?mode=gather', (xml) => {
        const doc = readTwiml(xml);
        assertEquals(doc.verbs, ['Gather', 'Redirect']);
        return doc.says[0];
      }));

    await t.step('a retry racing the first request: both say the one stored greeting', async () => {
      for (const path of ['twilio-voice', 'twilio-voice?mode=gather']) {
        const callSid = newCallSid();
        const from = newCaller();
        const [a, b] = await Promise.all([post(path, callSid, from), post(path, callSid, from)]);
        assertEquals(a, b);
        const row = await stored(callSid);
        assertEquals([row.conversations, row.greetings, row.call_count], [1, 1, 1]);
      }
    });

    await t.step('a first answer that never stored its greeting: the retry greets and stores it once', async () => {
      const callSid = newCallSid();
      const from = newCaller();
      await post('twilio-voice?mode=gather', callSid, from);
      await db`delete from messages m using conversations c where c.id = m.conversation_id and c.call_sid = ${callSid}`;
      const doc = readTwiml(await post('twilio-voice?mode=gather', callSid, from));
      const row = await stored(callSid);
      assertEquals([row.conversations, row.greetings, row.greeting], [1, 1, doc.says[0]]);
    });
  } finally {
    await db`update conversations set agent_config_id = null where agent_config_id = ${changed.id}`;
    await db`delete from agent_configs where id = ${changed.id}`;
    await db.end();
    await rt.sql.end();
  }
} });
