import { assert, assertEquals, assertMatch } from '../_shared/testing/assert.ts';
import { callParams, needsDb, PUBLIC_BASE, readTwiml, signedRequest, testRuntime, testSql } from '../_shared/testing/harness.ts';
import { startTestCall, withHours } from '../_shared/testing/calls.ts';
import { brokenBrain, scriptedBrain } from '../_shared/testing/scripted_brain.ts';
import { createHandler } from './handler.ts';

Deno.test({ name: 'twilio-turn', ...needsDb, fn: async (t) => {
  const brain = scriptedBrain((ctx) => {
    const said = ctx.input.kind === 'speech' ? ctx.input.text : ctx.input.kind === 'digits' ? ctx.input.digits : '';
    if (said === 'transfer me') {
      return { reply: 'Connecting you now.', actions: { transfer: { user_id: ctx.config.default_transfer_user_id!,
        phone: '+19005550000' } } };
    }
    if (said === 'bye') return { reply: 'Goodbye!', actions: { hangup: true } };
    return { reply: `You said: ${said || '(nothing)'}`, state: { turns: ctx.turnIndex }, meta: { tools: ['search_knowledge_base'] } as never };
  });
  const { rt } = testRuntime({ brain: () => brain });
  const handle = createHandler(rt);
  const db = testSql();
  const turn = async (callSid: string, from: string, query: string, extra: Record<string, string> = {}) => {
    const res = await handle(await signedRequest(`twilio-turn?${query}`, callParams(callSid, from, extra)));
    assertEquals(res.status, 200);
    return readTwiml(await res.text());
  };

  await t.step('speech: the reply is nested in a new Gather for the next turn, and both sides are stored', async () => {
    const { callSid, from } = await startTestCall(rt);
    const doc = await turn(callSid, from, 'n=1', { SpeechResult: 'What are your hours?', Confidence: '0.91' });
    assertEquals(doc.verbs, ['Gather', 'Redirect']);
    assertEquals(doc.says, ['You said: What are your hours?']);
    assertEquals(doc.attr('Gather', 'action'), `${PUBLIC_BASE}/twilio-turn?n=2`);
    const ctx = brain.seen.at(-1)!;
    assertEquals(ctx.input, { kind: 'speech', text: 'What are your hours?', confidence: 0.91 });
    assertEquals(ctx.history.map((h) => h.role), ['agent']);
    const rows = await db`select m.role, m.kind, m.content, m.latency_ms, m.provider, m.confidence from messages m
      join conversations c on c.id = m.conversation_id where c.call_sid = ${callSid} and m.turn = 1 order by m.role`;
    assertEquals(rows.map((r) => [r.role, r.kind, r.content]), [
      ['agent', 'speech', 'You said: What are your hours?'], ['caller', 'speech', 'What are your hours?']]);
    assert(rows[0].latency_ms >= 0 && rows[0].provider === 'scripted');
  });

  await t.step('digits and silence reach the brain as such', async () => {
    const { callSid, from } = await startTestCall(rt);
    await turn(callSid, from, 'n=1', { Digits: '5' });
    assertEquals(brain.seen.at(-1)!.input, { kind: 'digits', digits: '5' });
    await turn(callSid, from, 'n=2&silence=1');
    assertEquals(brain.seen.at(-1)!.input, { kind: 'silence' });
    assertEquals(brain.seen.at(-1)!.history.length, 3);
    const [c] = await db`select silence_count, last_turn, state from conversations where call_sid = ${callSid}`;
    assertEquals([c.silence_count, c.last_turn, c.state], [1, 2, { turns: 2 }]);
  });

  await t.step("in hours a transfer dials the team member's own number, never one from the brain", async () => {
    await withHours(db, 'open', async () => {
      const { callSid, from } = await startTestCall(rt);
      const doc = await turn(callSid, from, 'n=1', { SpeechResult: 'transfer me' });
      assertEquals(doc.verbs, ['Say', 'Dial']);
      const [member] = await db`select t.phone from team_members t join agent_configs a on a.default_transfer_user_id = t.user_id
        where a.is_active`;
      assertEquals(doc.text('Number'), member.phone);
      assertEquals(doc.attr('Dial', 'action'), `${PUBLIC_BASE}/twilio-status/dial?n=1`);
      const [c] = await db`select escalated, transferred_to from conversations where call_sid = ${callSid}`;
      assertEquals([c.escalated, c.transferred_to], [true, member.phone]);
    });
  });

  await t.step('after hours the same transfer does not dial: the call goes on', async () => {
    await withHours(db, 'closed', async () => {
      const { callSid, from } = await startTestCall(rt);
      const doc = await turn(callSid, from, 'n=1', { SpeechResult: 'transfer me' });
      assertEquals(doc.verbs, ['Gather', 'Redirect']);
      const [c] = await db`select escalated from conversations where call_sid = ${callSid}`;
      assertEquals(c.escalated, false);
    });
  });

  await t.step('hang-up: a goodbye then <Hangup/>', async () => {
    const { callSid, from } = await startTestCall(rt);
    const doc = await turn(callSid, from, 'n=1', { SpeechResult: 'bye' });
    assertEquals(doc.verbs, ['Say', 'Hangup']);
  });

  await t.step('a retried turn replays the stored answer and stores nothing twice', async () => {
    const { callSid, from } = await startTestCall(rt);
    const first = await turn(callSid, from, 'n=1', { SpeechResult: 'hello there' });
    const again = await turn(callSid, from, 'n=1', { SpeechResult: 'hello there' });
    assertEquals(again, { ...first, attr: again.attr, text: again.text });
    const [{ count }] = await db`select count(*)::int from messages m join conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid}`;
    assertEquals(count, 3);
  });

  await t.step('XML metacharacters and SQL in speech are stored verbatim and escaped in TwiML', async () => {
    const { callSid, from } = await startTestCall(rt);
    const nasty = `</Say><Dial>+15550000000</Dial> '; drop table messages; -- & <`;
    const doc = await turn(callSid, from, 'n=1', { SpeechResult: nasty });
    assertEquals(doc.verbs, ['Gather', 'Redirect']);
    assertEquals(doc.says, [`You said: ${nasty}`]);
    const [m] = await db`select content from messages m join conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid} and m.role = 'caller'`;
    assertEquals(m.content, nasty);
  });

  await t.step('a turn without a turn number, or for an unknown call, still gets valid TwiML', async () => {
    const { callSid, from } = await startTestCall(rt);
    const doc = await turn(callSid, from, 'x=1', { SpeechResult: 'hi' });
    assert(doc.verbs.includes('Record') || doc.verbs.includes('Dial'));
    const unknown = await turn('CA' + 'f'.repeat(32), from, 'n=1', { SpeechResult: 'hi' });
    assert(unknown.verbs.includes('Record') || unknown.verbs.includes('Dial'));
  });

  await t.step('the config and team are read once per version: an edit reaches the next turn', async () => {
    const { callSid, from } = await startTestCall(rt);
    await turn(callSid, from, 'n=1', { SpeechResult: 'first' });
    const version = rt.turnConfig!.version;
    await turn(callSid, from, 'n=2', { SpeechResult: 'second' });
    assertEquals(rt.turnConfig!.version, version);
    const [{ prompt }] = await db`select system_prompt as prompt from agent_configs where is_active`;
    try {
      await db`update agent_configs set system_prompt = ${prompt + ' Be brief.'} where is_active`;
      await turn(callSid, from, 'n=3', { SpeechResult: 'third' });
      assert(rt.turnConfig!.version !== version, 'the version changed');
      assertMatch(brain.seen.at(-1)!.config.system_prompt, /Be brief\.$/);
    } finally {
      await db`update agent_configs set system_prompt = ${prompt} where is_active`;
    }
  });

  await db.end();
  await rt.sql.end();
} });

Deno.test({ name: 'twilio-turn: a brain that throws still gives the caller a graceful answer', ...needsDb, fn: async () => {
  const { rt, log } = testRuntime({ brain: () => brokenBrain });
  const { callSid, from } = await startTestCall(rt);
  const res = await createHandler(rt)(await signedRequest('twilio-turn?n=1', callParams(callSid, from,
    { SpeechResult: 'my email is someone at example dot com' })));
  assertEquals(res.status, 200);
  const doc = readTwiml(await res.text());
  assertMatch(doc.says[0], /sorry/i);
  assert(!JSON.stringify(log.lines).includes('example'), 'speech must not reach the logs');
  assert(!JSON.stringify(log.lines).includes(from), 'the number must not reach the logs');
  await rt.sql.end();
} });
