import { assert, assertEquals, assertMatch } from '../_shared/testing/assert.ts';
import {
  AUTH_TOKEN, callParams, needsDb, newCallSid, newCaller, PUBLIC_BASE, readTwiml, signedRequest, testRuntime, testSql,
} from '../_shared/testing/harness.ts';
import { createHandler } from './handler.ts';

const sql = testSql;

Deno.test({ name: 'twilio-voice', ...needsDb, fn: async (t) => {
  const { rt } = testRuntime();
  const handle = createHandler(rt);
  const db = sql();

  await t.step('gather mode: a new caller is greeted inside a speech+dtmf Gather whose action is turn 1', async () => {
    const callSid = newCallSid();
    const from = newCaller();
    const res = await handle(await signedRequest('twilio-voice?mode=gather', callParams(callSid, from, { CallStatus: 'ringing' })));
    assertEquals(res.status, 200);
    assertMatch(res.headers.get('content-type')!, /xml/);
    const doc = readTwiml(await res.text());
    assertEquals(doc.verbs, ['Gather', 'Redirect']);
    assertEquals(doc.attr('Gather', 'input'), 'speech dtmf');
    assertEquals(doc.attr('Gather', 'action'), `${PUBLIC_BASE}/twilio-turn?n=1`);
    assertEquals(doc.text('Redirect'), `${PUBLIC_BASE}/twilio-turn?n=1&silence=1`);
    const [conv] = await db`select c.status, c.direction, m.content, cu.phone_number, cu.call_count
      from conversations c join messages m on m.conversation_id = c.id and m.turn = 0
      join customers cu on cu.id = c.customer_id where c.call_sid = ${callSid}`;
    assertEquals(conv.status, 'in-progress');
    assertEquals(conv.content, doc.says[0]);
    assertEquals(conv.phone_number, from);
    assertEquals(conv.call_count, 1);
  });

  await t.step('relay mode (the default): <Connect action><ConversationRelay> built from the config', async () => {
    const callSid = newCallSid();
    const res = await handle(await signedRequest('twilio-voice', callParams(callSid, newCaller(), { CallStatus: 'ringing' })));
    const xml = await res.text();
    const doc = readTwiml(xml);
    assertEquals(doc.verbs, ['Connect']);
    assertEquals(doc.attr('Connect', 'action'), `${PUBLIC_BASE}/twilio-relay/action`);
    assertEquals(doc.attr('ConversationRelay', 'url'), 'wss://voice.example.test/functions/v1/twilio-relay');
    const [config] = await db`select greeting, language from agent_configs where is_active`;
    // The greeting as configured (with any disclosure the compliance settings add), spoken by Twilio.
    assert(doc.attr('ConversationRelay', 'welcomeGreeting')!.startsWith(config.greeting.split('.')[0]));
    assertEquals(doc.attr('ConversationRelay', 'language'), config.language);
    assertEquals(doc.attr('ConversationRelay', 'ttsProvider'), 'Amazon');
    assertEquals(doc.attr('ConversationRelay', 'voice'), 'Joanna-Neural');
    assertEquals(doc.attr('ConversationRelay', 'interruptible'), 'any');
    assertEquals(doc.attr('ConversationRelay', 'dtmfDetection'), 'true');
    // Hints: the knowledge base's product words and the team's first names.
    const hints = doc.attr('ConversationRelay', 'hints')!.split(',');
    assert(hints.includes('Jordan') && hints.length > 5, 'hints carry the team and the knowledge base');
    const [greeting] = await db`select m.content from messages m join conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid} and m.turn = 0`;
    assertEquals(greeting.content, doc.attr('ConversationRelay', 'welcomeGreeting'));
  });

  await t.step('a returning caller is greeted by first name', async () => {
    const from = newCaller();
    await db`insert into customers (phone_number, name, company) values (${from}, 'Elena Morales', 'Morales Landscaping')`;
    const res = await handle(await signedRequest('twilio-voice', callParams(newCallSid(), from)));
    assertMatch(readTwiml(await res.text()).says[0], /\bElena\b/);
  });

  await t.step('a retried webhook opens the conversation once and greets the same way', async () => {
    const callSid = newCallSid();
    const from = newCaller();
    const first = await (await handle(await signedRequest('twilio-voice', callParams(callSid, from)))).text();
    const second = await (await handle(await signedRequest('twilio-voice', callParams(callSid, from)))).text();
    assertEquals(second, first);
    const [row] = await db`select count(distinct c.id)::int as conversations, count(m.id)::int as messages,
      max(cu.call_count) as call_count from conversations c join messages m on m.conversation_id = c.id
      join customers cu on cu.id = c.customer_id where c.call_sid = ${callSid}`;
    assertEquals(row, { conversations: 1, messages: 1, call_count: 1 });
  });

  await t.step('unsigned, forged and wrongly keyed requests get 403 and store nothing', async () => {
    const callSid = newCallSid();
    const params = callParams(callSid, newCaller());
    for (const opts of [{ signature: null }, { signature: 'bm90IGEgc2lnbmF0dXJl' }, { token: `${AUTH_TOKEN}x` }]) {
      const res = await handle(await signedRequest('twilio-voice', params, opts));
      assertEquals(res.status, 403);
    }
    const req = await signedRequest('twilio-voice', params);
    const tampered = new Request(req.url, { method: 'POST', headers: req.headers,
      body: new URLSearchParams({ ...params, From: '+15550109999' }).toString() });
    assertEquals((await handle(tampered)).status, 403);
    assertEquals((await db`select 1 from conversations where call_sid = ${callSid}`).length, 0);
  });

  await t.step('malformed bodies get a clear 4xx, never a 5xx', async () => {
    const noSid = callParams('x', newCaller());
    delete (noSid as Record<string, string>).CallSid;
    const res = await handle(await signedRequest('twilio-voice', noSid));
    assertEquals([res.status, await res.text()], [400, 'CallSid missing or malformed']);
    const big = await handle(await signedRequest('twilio-voice', callParams(newCallSid(), newCaller(),
      { SpeechResult: 'a'.repeat(70_000) })));
    assertEquals(big.status, 413);
    const longField = await handle(await signedRequest('twilio-voice', callParams(newCallSid(), newCaller(),
      { SpeechResult: 'a'.repeat(9_000) })));
    assertEquals(longField.status, 400);
    const badUtf8 = new Request('http://127.0.0.1/twilio-voice', { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new Uint8Array([0x43, 0x3d, 0xff, 0xfe]) });
    assertEquals((await handle(badUtf8)).status, 400);
    const json = new Request('http://127.0.0.1/twilio-voice', { method: 'POST',
      headers: { 'content-type': 'application/json' }, body: '{}' });
    assertEquals((await handle(json)).status, 400);
  });

  await db.end();
  await rt.sql.end();
} });

Deno.test({ name: 'twilio-voice with the database down still answers valid TwiML', ...needsDb, fn: async (t) => {
  const down = { SUPABASE_DB_URL: 'postgresql://postgres:postgres@127.0.0.1:9/none' };

  await t.step('with nothing known yet: an apology and a <Record> for a message', async () => {
    const { rt, log } = testRuntime({}, down);
    const from = newCaller();
    const res = await createHandler(rt)(await signedRequest('twilio-voice', callParams(newCallSid(), from)));
    assertEquals(res.status, 200);
    const doc = readTwiml(await res.text());
    assertEquals(doc.verbs, ['Say', 'Record', 'Say', 'Hangup']);
    assertEquals(doc.attr('Record', 'action'), `${PUBLIC_BASE}/twilio-status/recording`);
    assertMatch(doc.says[0], /sorry/i);
    const line = log.lines.find((l) => l.level === 'error')!;
    assertEquals(line.message, 'webhook failed; answered with the fallback');
    assert(!JSON.stringify(log.lines).includes(from), 'the caller number must not be logged');
    await rt.sql.end();
  });

  await t.step('in business hours with a known team: a transfer to the default member', async () => {
    const { rt: live } = testRuntime();
    const from = newCaller();
    await createHandler(live)(await signedRequest('twilio-voice', callParams(newCallSid(), from)));
    const { rt } = testRuntime({ lastKnown: { ...live.lastKnown, agent: { ...live.lastKnown.agent!, hours_override: 'open' } } },
      down);
    const doc = readTwiml(await (await createHandler(rt)(await signedRequest('twilio-voice',
      callParams(newCallSid(), from)))).text());
    assertEquals(doc.verbs, ['Say', 'Dial']);
    const member = live.lastKnown.team!.find((m) => m.user_id === live.lastKnown.agent!.default_transfer_user_id)!;
    assertEquals(doc.text('Number'), member.phone);
    await live.sql.end();
    await rt.sql.end();
  });
} });
