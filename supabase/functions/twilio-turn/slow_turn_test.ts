/**
 * Every turn webhook answers within its deadline, and the record keeps what the caller heard:
 * a slow provider is held with "One moment" (the brain runs once, its reply is collected by the
 * redirect), and a database that stalls while storing gets the fallback with the brain's reply
 * rolled back.
 */
import { assert, assertEquals } from '../_shared/testing/assert.ts';
import { callParams, needsDb, newCaller, newCallSid, readTwiml, signedRequest, testRuntime, testSql }
  from '../_shared/testing/harness.ts';
import type { Brain } from '../_shared/brain/types.ts';
import { createHandler as turnHandler } from './handler.ts';
import { createHandler as voiceHandler } from '../twilio-voice/handler.ts';

const DEADLINE_MS = 1200;
/** What a loaded test machine may add to a timer before the answer is out. */
const SLACK_MS = 400;

/** A brain that answers after `ms` (never, for Infinity), counting its turns. */
function slowBrain(ms: number, reply: string): Brain & { turns: number } {
  const brain = {
    turns: 0,
    turn(ctx: Parameters<Brain['turn']>[0]) {
      brain.turns++;
      return new Promise<Awaited<ReturnType<Brain['turn']>>>((resolve) => {
        if (Number.isFinite(ms)) {
          setTimeout(() => resolve({ reply, actions: {}, state: ctx.state,
            meta: { provider: 'scripted', latency_ms: ms, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [] } }), ms);
        }
      });
    },
  };
  return brain;
}

/** Posts a turn request and times it; `path` is relative to the functions' base. */
async function timed(handle: (r: Request) => Promise<Response>, path: string, params: Record<string, string>) {
  const started = performance.now();
  const res = await handle(await signedRequest(path, params));
  const ms = performance.now() - started;
  assertEquals(res.status, 200);
  return { doc: readTwiml(await res.text()), ms };
}

/** The redirect target of a holding answer, as a path below the functions' base. */
function collectPath(doc: ReturnType<typeof readTwiml>): string {
  const url = new URL(doc.text('Redirect')!);
  return `twilio-turn${url.search}`;
}

type Timed = Awaited<ReturnType<typeof timed>>;

/**
 * Turn 1 as Twilio plays it: the Gather action with what the caller said, then, after each
 * holding line, the redirect (which carries no SpeechResult). Returns the holds and the answer.
 */
async function playTurn(turn: (r: Request) => Promise<Response>, callSid: string, from: string, said: string,
  holdingLine: string): Promise<{ holds: Timed[]; answer: Timed }> {
  let answer = await timed(turn, 'twilio-turn?n=1', callParams(callSid, from, { SpeechResult: said }));
  const holds: Timed[] = [];
  while (answer.doc.says.length === 1 && answer.doc.says[0] === holdingLine && answer.doc.verbs.includes('Redirect')) {
    holds.push(answer);
    if (holds.length > 5) throw new Error('held more than five times');
    answer = await timed(turn, collectPath(answer.doc), callParams(callSid, from));
  }
  return { holds, answer };
}

Deno.test({ name: 'a provider slower than the deadline: the caller holds, the brain runs once, the reply is collected', ...needsDb,
  fn: async () => {
    const brain = slowBrain(1500, 'We open at eight and close at six.');
    const { rt } = testRuntime({ brain: () => brain }, { WEBHOOK_DEADLINE_MS: String(DEADLINE_MS) });
    const db = testSql();
    try {
      const callSid = newCallSid();
      const from = newCaller();
      await voiceHandler(rt)(await signedRequest('twilio-voice?mode=gather', callParams(callSid, from)));
      const turn = turnHandler(rt);
      const said = 'Hi, what time do you open tomorrow?';

      const { holds, answer } = await playTurn(turn, callSid, from, said, 'One moment, please.');
      assert(holds.length >= 1 && holds.length <= 3, `held ${holds.length} times`);
      for (const h of holds) assert(h.ms < DEADLINE_MS + SLACK_MS, `a holding answer came in ${Math.round(h.ms)} ms`);
      assert(answer.ms < DEADLINE_MS + SLACK_MS, `the collected answer came in ${Math.round(answer.ms)} ms`);
      assertEquals(answer.doc.says, ['We open at eight and close at six.']);
      assertEquals(brain.turns, 1, 'the brain ran once for the turn');
      assertEquals(answer.doc.attr('Gather', 'action'), 'https://voice.example.test/functions/v1/twilio-turn?n=2');

      // Twilio retrying the original Gather action replays the stored answer; the brain is not asked again.
      const retried = await timed(turn, 'twilio-turn?n=1', callParams(callSid, from, { SpeechResult: said }));
      assertEquals(retried.doc.says, ['We open at eight and close at six.']);
      assertEquals(brain.turns, 1);

      const rows = await db`select m.role, m.content from messages m join conversations c on c.id = m.conversation_id
        where c.call_sid = ${callSid} and m.turn = 1 order by m.role`;
      assertEquals(rows.map((r) => [r.role, r.content]), [['agent', 'We open at eight and close at six.'], ['caller', said]]);
    } finally {
      await db.end();
      await rt.sql.end({ timeout: 0 }).catch(() => {});
    }
  } });

Deno.test({ name: 'a Spanish caller is held in Spanish', ...needsDb, fn: async () => {
  const brain = slowBrain(1500, 'Abrimos a las ocho.');
  const { rt } = testRuntime({ brain: () => brain }, { WEBHOOK_DEADLINE_MS: String(DEADLINE_MS) });
  try {
    const callSid = newCallSid();
    const from = newCaller();
    await voiceHandler(rt)(await signedRequest('twilio-voice?mode=gather', callParams(callSid, from)));
    const turn = turnHandler(rt);
    const { holds, answer } = await playTurn(turn, callSid, from, 'Hola, quería saber a qué hora abren mañana por favor',
      'Un momento, por favor.');
    assert(holds.length >= 1, 'held in Spanish');
    assertEquals(holds[0].doc.attr('Say', 'language'), 'es-US');
    assertEquals(answer.doc.says, ['Abrimos a las ocho.']);
  } finally {
    await rt.sql.end({ timeout: 0 }).catch(() => {});
  }
} });

Deno.test({ name: 'a provider that never answers: three holds, then the fallback, and the caller\'s words are kept', ...needsDb,
  fn: async () => {
    const brain = slowBrain(Infinity, 'never said');
    const { rt } = testRuntime({ brain: () => brain }, { WEBHOOK_DEADLINE_MS: String(DEADLINE_MS) });
    const db = testSql();
    try {
      const callSid = newCallSid();
      const from = newCaller();
      await voiceHandler(rt)(await signedRequest('twilio-voice?mode=gather', callParams(callSid, from)));
      const turn = turnHandler(rt);
      const said = 'Can someone call me back about a quote?';
      const { holds, answer } = await playTurn(turn, callSid, from, said, 'One moment, please.');
      assertEquals(holds.length, 3);
      assert(answer.doc.says[0].startsWith("I'm sorry"), 'the fallback answers');
      assertEquals(await rt.outbox.flush(), 1);
      const rows = await db`select m.role, m.content from messages m join conversations c on c.id = m.conversation_id
        where c.call_sid = ${callSid} and m.turn = 1 order by m.role`;
      assertEquals(rows.map((r) => r.role), ['agent', 'caller']);
      assertEquals(rows[0].content, answer.doc.says[0]);
      assertEquals(rows[1].content, said);
    } finally {
      await db.end();
      await rt.sql.end({ timeout: 0 }).catch(() => {});
    }
  } });

Deno.test({ name: 'the database stalls while the turn is stored: the fallback answers and the record keeps what was heard',
  ...needsDb, fn: async () => {
    const brain = slowBrain(0, 'Your callback is booked for tomorrow at ten.');
    const { rt } = testRuntime({ brain: () => brain }, { WEBHOOK_DEADLINE_MS: String(DEADLINE_MS) });
    const db = testSql();
    const locker = testSql();
    try {
      const callSid = newCallSid();
      const from = newCaller();
      await voiceHandler(rt)(await signedRequest('twilio-voice?mode=gather', callParams(callSid, from)));
      const turn = turnHandler(rt);
      // Another transaction holds the call's row: record_turn waits on it, as behind a stalled database.
      let release!: () => void;
      const released = new Promise<void>((resolve) => release = resolve);
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => locked = resolve);
      const holder = locker.begin(async (tx) => {
        await tx`select id from conversations where call_sid = ${callSid} for update`;
        locked();
        await released;
      });
      await isLocked;
      // The call's snapshot is read without the row lock; only the store waits.
      const said = 'Please call me back tomorrow at ten.';
      const answer = await timed(turn, 'twilio-turn?n=1', callParams(callSid, from, { SpeechResult: said }));
      assert(answer.ms < DEADLINE_MS + SLACK_MS, `answered in ${Math.round(answer.ms)} ms`);
      assert(answer.doc.says[0].startsWith("I'm sorry"), 'the fallback answers');
      // The stalled store gives up by itself (lock_timeout at the deadline), before the lock is let go.
      await new Promise((r) => setTimeout(r, 600));
      release();
      await holder;
      assertEquals(await rt.outbox.flush(), 1);
      const rows = await db`select m.role, m.content from messages m join conversations c on c.id = m.conversation_id
        where c.call_sid = ${callSid} and m.turn = 1 order by m.role`;
      assertEquals(rows.map((r) => [r.role, r.content]), [['agent', answer.doc.says[0]], ['caller', said]]);
    } finally {
      await db.end();
      await locker.end();
      await rt.sql.end({ timeout: 0 }).catch(() => {});
    }
  } });
