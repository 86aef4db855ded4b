import postgres from 'postgres';
import { assert, assertEquals } from '../_shared/testing/assert.ts';
import { callParams, needsDb, newCaller, PUBLIC_BASE, readTwiml, signedRequest, testRuntime, testSql } from '../_shared/testing/harness.ts';
import { createHandler as turnHandler } from '../twilio-turn/handler.ts';
import { startTestCall, withHours } from '../_shared/testing/calls.ts';
import { scriptedBrain } from '../_shared/testing/scripted_brain.ts';
import type { Brain, BrainServices, TurnContext, TurnResult } from '../_shared/brain/types.ts';
import type { StreamedTurn, StreamingBrain, StreamOptions } from '../_shared/brain/stream.ts';
import { createBrainChain } from '../_shared/brain/chain.ts';
import { createLocalBrain } from '../_shared/brain/local/engine.ts';
import { actionRequest, endOf, handshakeSignature, memorySession, setupMessage, textOf } from '../_shared/calls/relay/testing.ts';
import { createHandler } from './handler.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const meta = { provider: 'scripted', latency_ms: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [], language: 'en' };

/** A brain that streams `words` with `gapMs` between them (an LLM at a few tokens a second). */
function slowBrain(words: string[], gapMs: number): Brain {
  const brain: Brain & StreamingBrain = {
    turn: () => Promise.reject(new Error('streams only')),
    async stream(ctx: TurnContext, _s: BrainServices, o: StreamOptions): Promise<StreamedTurn> {
      for (const w of words) {
        if (o.signal?.aborted) break;
        o.onToken(w);
        await sleep(gapMs);
      }
      return { reply: words.join(''), actions: {}, state: ctx.state, meta, providerFailed: false };
    },
  };
  return brain;
}

async function agentRow(sql: postgres.Sql, callSid: string, turn: number) {
  for (let i = 0; i < 100; i++) {
    const [row] = await sql`select m.content, m.interrupted, m.first_token_ms, m.language, c.voice_mode from messages m
      join conversations c on c.id = m.conversation_id where c.call_sid = ${callSid} and m.turn = ${turn} and m.role = 'agent'`;
    if (row) return row;
    await sleep(50);
  }
  throw new Error(`turn ${turn} was never stored`);
}

Deno.test({ name: 'twilio-relay: the handshake', ...needsDb, fn: async (t) => {
  const { rt, log } = testRuntime();
  const handle = createHandler(rt);
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, handle);
  const url = `ws://127.0.0.1:${server.addr.port}/twilio-relay`;
  const open = (signature: string | null) => new Promise<'open' | 'refused'>((resolve) => {
    const ws = new WebSocket(url, (signature === null ? {} : { headers: { 'x-twilio-signature': signature } }) as never);
    ws.onopen = () => {
      ws.close();
      resolve('open');
    };
    ws.onerror = () => resolve('refused');
  });

  await t.step('a forged, missing or wrongly keyed signature is refused before any socket exists', async () => {
    assertEquals(await open(null), 'refused');
    assertEquals(await open('Zm9yZ2Vk'), 'refused');
    assertEquals(await open(await handshakeSignature('', 'another-token')), 'refused');
    // Signed for another query: Twilio signs the exact wss URL.
    assertEquals(await open(await handshakeSignature('?resume=1')), 'refused');
    const inProcess = await handle(new Request('http://127.0.0.1/twilio-relay', {
      headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13', 'x-twilio-signature': 'Zm9yZ2Vk' } }));
    assertEquals(inProcess.status, 403);
    assert(log.lines.some((l) => l.message === 'webhook signature rejected' && l.function === 'twilio-relay'));
  });

  await t.step('a handshake signed over the wss URL is accepted', async () => {
    assertEquals(await open(await handshakeSignature()), 'open');
  });

  await server.shutdown();
  await rt.sql.end();
} });

Deno.test({ name: 'twilio-relay: a conversation over the socket', ...needsDb, fn: async (t) => {
  const sql = testSql();

  await t.step('replies stream as tokens closed by last: true, and each turn is stored once with its timing', async () => {
    const { rt } = testRuntime({ brain: () => slowBrain(['We open ', 'at nine. ', 'Anything else?'], 5) });
    const { callSid, from } = await startTestCall(rt);
    const s = memorySession(rt);
    s.send(setupMessage(callSid, from));
    s.send({ type: 'prompt', voicePrompt: 'When do you open?', lang: 'en-US', last: true });
    const reply = await s.reply();
    assertEquals(reply.map((m) => [m.token, m.last]), [['We open ', false], ['at nine. ', false], ['Anything else?', false], ['', true]]);
    const row = await agentRow(sql, callSid, 1);
    assertEquals([row.content, row.interrupted, row.language, row.voice_mode], ['We open at nine. Anything else?', false, 'en', 'relay']);
    assert(row.first_token_ms >= 0 && row.first_token_ms < 1000, `first token ${row.first_token_ms} ms`);
    const [n] = await sql`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid}`;
    assertEquals(n.n, 3);
    s.session.closed();
    await rt.sql.end();
  });

  await t.step('barge-in mid-reply: the provider stops and the stored reply is exactly the part the caller heard', async () => {
    const words = ['Our Starter plan ', 'is ninety-nine dollars ', 'a month ', 'and includes ', 'five hundred minutes.'];
    const { rt } = testRuntime({ brain: () => slowBrain(words, 150) });
    const { callSid, from } = await startTestCall(rt);
    const s = memorySession(rt);
    s.send(setupMessage(callSid, from));
    s.send({ type: 'prompt', voicePrompt: 'How much is it?', lang: 'en-US', last: true });
    while (s.out.length < 2) await sleep(20);
    s.send({ type: 'interrupt', utteranceUntilInterrupt: 'Our Starter plan is', durationUntilInterruptMs: '1200' });
    const row = await agentRow(sql, callSid, 1);
    assertEquals([row.content, row.interrupted], ['Our Starter plan is', true]);
    assert(s.out.length <= 3 && !s.out.some((m) => m.last), 'no more tokens and no last: true after the interrupt');
    s.session.closed();
    await rt.sql.end();
  });

  await t.step('barge-in after the reply was stored shortens it to the heard part', async () => {
    const { rt } = testRuntime({ brain: () => scriptedBrain(() => ({ reply: 'We are open nine to six. Anything else I can do?' })) });
    const { callSid, from } = await startTestCall(rt);
    const s = memorySession(rt);
    s.send(setupMessage(callSid, from));
    s.send({ type: 'prompt', voicePrompt: 'Hours?', lang: 'en-US', last: true });
    await s.reply();
    await agentRow(sql, callSid, 1);
    s.send({ type: 'interrupt', utteranceUntilInterrupt: 'We are open nine to six.', durationUntilInterruptMs: 1700 });
    s.send({ type: 'prompt', voicePrompt: 'And weekends?', lang: 'en-US', last: true });
    await s.reply();
    await agentRow(sql, callSid, 2);
    const row = await agentRow(sql, callSid, 1);
    assertEquals([row.content, row.interrupted], ['We are open nine to six.', true]);
    s.session.closed();
    await rt.sql.end();
  });

  await t.step('a caller speaking a declared other language: Twilio is told to speak and listen in it', async () => {
    const sql2 = testSql();
    const [{ previous }] = await sql2`select relay_settings as previous from agent_configs where is_active`;
    await sql2`update agent_configs set relay_settings = ${sql2.json({ languages: [{ code: 'es-US', voice: 'Lupe-Neural' }] })} where is_active`;
    try {
      const { rt } = testRuntime();
      const { callSid, from, twiml } = await startTestCall(rt);
      assertEquals(readTwiml(twiml).attr('Language', 'code'), 'es-US');
      const s = memorySession(rt);
      s.send(setupMessage(callSid, from));
      s.send({ type: 'prompt', voicePrompt: 'hola, necesito ayuda', lang: 'es-US', last: true });
      const out = await s.reply();
      assertEquals(out[0], { type: 'language', ttsLanguage: 'es-US', transcriptionLanguage: 'es-US' });
      s.send({ type: 'prompt', voicePrompt: 'gracias', lang: 'es-US', last: true });
      assertEquals((await s.reply()).filter((m) => m.type === 'language').length, 0, 'told once');
      s.session.closed();
      await rt.sql.end();
    } finally {
      await sql2`update agent_configs set relay_settings = ${sql2.json(previous)} where is_active`;
      await sql2.end();
    }
  });

  await t.step('malformed and unknown messages are logged without their text and ignored; the session goes on', async () => {
    const { rt, log } = testRuntime();
    const { callSid, from } = await startTestCall(rt);
    const s = memorySession(rt);
    s.session.handle('{not json: my card is 4111');
    s.send(setupMessage(callSid, from));
    s.send({ type: 'wave', secret: 'my card is 4111' });
    s.send({ type: 'dtmf', digit: 'x' });
    s.send({ type: 'prompt', voicePrompt: 'hello', last: true });
    assertEquals(textOf(await s.reply()), 'OK.');
    const ignored = log.lines.filter((l) => l.message === 'relay message ignored').map((l) => l.reason);
    assertEquals(ignored, ['not JSON', 'unknown message type', 'dtmf without a valid digit']);
    assert(!JSON.stringify(log.lines).includes('4111'), 'caller text is never logged');
    s.session.closed();
    await rt.sql.end();
  });

  await sql.end();
} });

Deno.test({ name: 'twilio-relay: keys, handoffs and failures', ...needsDb, fn: async (t) => {
  const sql = testSql();
  const localChain = () => createBrainChain({ providers: [], fallback: createLocalBrain() });

  await t.step('DTMF 0 in hours: the session ends with a transfer and the action URL dials the default person', async () => {
    await withHours(sql, 'open', async () => {
      const { rt } = testRuntime({ brain: localChain });
      const { callSid, from } = await startTestCall(rt);
      const s = memorySession(rt);
      s.send(setupMessage(callSid, from));
      s.send({ type: 'dtmf', digit: '0' });
      const out = await s.reply();
      const handoff = endOf(out);
      assertEquals([handoff?.reason, handoff?.turn], ['transfer', 1]);
      assertEquals(textOf(out), '', 'the transfer words are held for the action TwiML');
      const doc = readTwiml(await (await createHandler(rt)(await actionRequest(callSid, from, out.at(-1)!.handoffData!))).text());
      assertEquals(doc.verbs, ['Say', 'Dial']);
      const [member] = await sql`select t.phone from team_members t join agent_configs a on a.default_transfer_user_id = t.user_id
        where a.is_active`;
      assertEquals(doc.text('Number'), member.phone);
      assertEquals(doc.attr('Dial', 'action'), `${PUBLIC_BASE}/twilio-status/dial?n=1`);
      assert(doc.says[0].length > 5);
      s.session.closed();
      await rt.sql.end();
    });
  });

  await t.step('DTMF 0 after hours: no transfer, the agent takes a message and the session goes on', async () => {
    await withHours(sql, 'closed', async () => {
      const { rt } = testRuntime({ brain: localChain });
      const { callSid, from } = await startTestCall(rt);
      const s = memorySession(rt);
      s.send(setupMessage(callSid, from));
      s.send({ type: 'dtmf', digit: '0' });
      const out = await s.reply();
      assertEquals(endOf(out), null);
      // The same meaning as in gather mode: the same answer to the same key on a fresh call.
      const gather = await startTestCall(rt);
      const turn = await turnHandler(rt)(await signedRequest('twilio-turn?n=1', callParams(gather.callSid, gather.from, { Digits: '0' })));
      const gathered = readTwiml(await turn.text());
      assertEquals(gathered.verbs, ['Gather', 'Redirect']);
      assertEquals(textOf(out), gathered.says[0]);
      const [conv] = await sql`select escalated, transferred_to from conversations where call_sid = ${callSid}`;
      assertEquals([conv.escalated, conv.transferred_to], [false, null]);
      s.session.closed();
      await rt.sql.end();
    });
  });

  await t.step('a goodbye ends the session with a hang-up; the action URL says it and hangs up', async () => {
    const { rt } = testRuntime({ brain: () => scriptedBrain(() => ({ reply: 'Thanks for calling. Goodbye!', actions: { hangup: true } })) });
    const { callSid, from } = await startTestCall(rt);
    const s = memorySession(rt);
    s.send(setupMessage(callSid, from));
    s.send({ type: 'prompt', voicePrompt: 'that is all, bye', last: true });
    const out = await s.reply();
    assertEquals(endOf(out), { reason: 'hangup', turn: 1, say: 'Thanks for calling. Goodbye!' });
    const doc = readTwiml(await (await createHandler(rt)(await actionRequest(callSid, from, out.at(-1)!.handoffData!))).text());
    assertEquals([doc.verbs, doc.says], [['Say', 'Hangup'], ['Thanks for calling. Goodbye!']]);
    assertEquals((await agentRow(sql, callSid, 1)).content, 'Thanks for calling. Goodbye!');
    s.session.closed();
    await rt.sql.end();
  });

  await t.step('Postgres stopped mid-session: the session ends in a handoff, not silence', async () => {
    await withHours(sql, 'open', async () => {
      const { rt } = testRuntime({ brain: localChain });
      const { callSid, from } = await startTestCall(rt);
      const s = memorySession(rt);
      s.send(setupMessage(callSid, from));
      s.send({ type: 'prompt', voicePrompt: 'What are your hours?', last: true });
      await s.reply();
      const live = rt.sql;
      // Postgres goes away: every query now fails to connect.
      rt.sql = postgres('postgresql://postgres:postgres@127.0.0.1:9/none', { max: 1, connect_timeout: 1, onnotice: () => {} });
      const t0 = performance.now();
      s.send({ type: 'prompt', voicePrompt: 'Can I talk to someone?', last: true });
      const out = await s.reply(8000);
      const ms = performance.now() - t0;
      assertEquals(endOf(out)?.reason, 'failure');
      assert(ms < rt.lastKnown.agent!.turn_deadline_ms, `handed off after ${ms.toFixed(0)} ms`);
      // Twilio then requests the action URL; with the database still down it answers from what it last knew.
      const doc = readTwiml(await (await createHandler(rt)(await actionRequest(callSid, from, out.at(-1)!.handoffData!))).text());
      assertEquals(doc.verbs, ['Say', 'Dial']);
      const closed = { ...rt.lastKnown.agent!, hours_override: 'closed' as const };
      rt.lastKnown.agent = closed;
      const after = readTwiml(await (await createHandler(rt)(await actionRequest(callSid, from, out.at(-1)!.handoffData!))).text());
      assertEquals(after.verbs, ['Say', 'Record', 'Say', 'Hangup']);
      s.session.closed();
      await rt.sql.end();
      await live.end();
    });
  });

  await t.step('every provider failing (the local engine too): a handoff, not a loop of apologies', async () => {
    const failing = { name: 'openai', turn: () => Promise.reject(new Error('503')) };
    const { rt } = testRuntime({ brain: () => createBrainChain({ providers: [failing], fallback: { name: 'local', turn: () => Promise.reject(new Error('bug')) } }) });
    const { callSid, from } = await startTestCall(rt);
    const s = memorySession(rt);
    s.send(setupMessage(callSid, from));
    s.send({ type: 'prompt', voicePrompt: 'What are your hours?', last: true });
    const out = await s.reply();
    assertEquals([textOf(out), endOf(out)?.reason], ['', 'failure']);
    s.session.closed();
    await rt.sql.end();
  });

  await t.step('the socket closing without `end`: the action URL falls back instead of failing the call', async () => {
    const { rt } = testRuntime();
    const { callSid, from } = await startTestCall(rt);
    const res = await createHandler(rt)(await actionRequest(callSid, from, null));
    assertEquals(res.status, 200);
    const verbs = readTwiml(await res.text()).verbs;
    assert(verbs.includes('Dial') || verbs.includes('Record'), verbs.join(','));
    await rt.sql.end();
  });

  await sql.end();
} });

/** Twilio's side of a relay call over a real socket: setup, prompts, `end` followed to the action URL. */
async function twilioRelayCall(base: string, handle: (r: Request) => Promise<Response>, callSid: string, from: string,
  prompts: string[], thinkMs: number) {
  const renewals: number[] = [];
  let ws!: WebSocket;
  let inbox: Record<string, unknown>[] = [];
  let wake: (() => void) | null = null;
  const connect = async (query = '') => {
    ws = new WebSocket(`${base}${query}`, { headers: { 'x-twilio-signature': await handshakeSignature(query) } } as never);
    inbox = [];
    ws.onmessage = (e) => {
      inbox.push(JSON.parse(e.data));
      wake?.();
    };
    await new Promise((r) => (ws.onopen = r));
    ws.send(JSON.stringify(setupMessage(callSid, from)));
  };
  const next = async () => {
    while (!inbox.length) await new Promise<void>((r) => (wake = r));
    return inbox.shift()!;
  };
  const followEnds = async () => {
    while (inbox.length && inbox[0].type === 'end') {
      const end = inbox.shift()!;
      const handoff = JSON.parse(end.handoffData as string);
      assertEquals(handoff.reason, 'resume');
      renewals.push(handoff.turn);
      ws.close();
      const doc = readTwiml(await (await handle(await actionRequest(callSid, from, end.handoffData as string))).text());
      assertEquals(doc.says, [], 'a resumed session has no greeting');
      await connect(new URL(doc.attr('ConversationRelay', 'url')!).search);
    }
  };
  await connect();
  const replies: string[] = [];
  for (const p of prompts) {
    await sleep(thinkMs);
    await followEnds();
    ws.send(JSON.stringify({ type: 'prompt', voicePrompt: p, lang: 'en-US', last: true }));
    let text = '';
    for (;;) {
      const m = await next();
      if (m.type !== 'text') throw new Error(`expected text, got ${m.type}`);
      text += m.token;
      if (m.last) break;
    }
    replies.push(text);
  }
  ws.close();
  return { replies, renewals };
}

Deno.test({ name: 'twilio-relay: session renewal at a 5-second limit keeps a long call whole', ...needsDb, fn: async () => {
  const sql = testSql();
  const [{ previous }] = await sql`select session_limit_seconds as previous from agent_configs where is_active`;
  await sql`update agent_configs set session_limit_seconds = 5 where is_active`;
  const { rt } = testRuntime({ brain: () => scriptedBrain((ctx) => ({ reply: `Answer ${ctx.turnIndex}.` })) },
    { RELAY_QUIET_MS: '100', RELAY_SPEECH_MS_PER_CHAR: '0', RELAY_SILENCE_MS: '60000' });
  const handle = createHandler(rt);
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, handle);
  try {
    const { callSid, from } = await startTestCall(rt, newCaller());
    const prompts = Array.from({ length: 16 }, (_, i) => `Question number ${i + 1}`);
    const { replies, renewals } = await twilioRelayCall(`ws://127.0.0.1:${server.addr.port}/twilio-relay`, handle, callSid, from,
      prompts, 400);
    assert(renewals.length >= 1, `renewed ${renewals.length} times`);
    assertEquals(replies, prompts.map((_, i) => `Answer ${i + 1}.`));
    const rows = await sql`select m.turn, m.role, m.content from messages m join conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid} order by m.turn, m.role = 'agent', m.id`;
    const expected = [[0, 'agent'], ...prompts.flatMap((p, i) => [[i + 1, 'caller', p], [i + 1, 'agent', `Answer ${i + 1}.`]])];
    assertEquals(rows.map((r) => (r.turn === 0 ? [r.turn, r.role] : [r.turn, r.role, r.content])), expected);
  } finally {
    await server.shutdown();
    await sql`update agent_configs set session_limit_seconds = ${previous} where is_active`;
    await sql.end();
    await rt.sql.end();
  }
} });

// Silence: the caller says nothing after a reply; the agent prompts, as gather's timeout would.
Deno.test({ name: 'twilio-relay: a silent caller is prompted after the silence timeout', ...needsDb, fn: async () => {
  const { rt } = testRuntime({ brain: () => scriptedBrain((ctx) => ({ reply: ctx.input.kind === 'silence' ? 'Are you still there?' : 'Hello.' })) });
  const { callSid, from } = await startTestCall(rt);
  const s = memorySession(rt, { silenceMs: 300, quietMs: 60_000, speechMsPerChar: 0 });
  s.send(setupMessage(callSid, from));
  assertEquals(textOf(await s.reply(3000)), 'Are you still there?');
  const sql = testSql();
  const [row] = await sql`select m.kind from messages m join conversations c on c.id = m.conversation_id
    where c.call_sid = ${callSid} and m.turn = 1 and m.role = 'caller'`;
  assertEquals(row.kind, 'silence');
  s.session.closed();
  await sql.end();
  await rt.sql.end();
} });

export type { TurnResult };
