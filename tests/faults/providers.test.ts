/**
 * An LLM vendor that hangs, answers 500 or answers garbage: the turn still answers within the
 * agent's deadline (the local engine takes over) and is stored once. A second functions server
 * points OpenAI at a fake on node:http; only this file's calls use an agent config whose provider
 * chain is ['openai', 'local'], so the active config and the other test files are untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { callerUnder, callParams, env, newCallSid, nextTurnOf, noStack, post, saysOf, twimlOf } from './support/twilio.ts';
import { callFacts, connect, messagesOf, removeCallers } from './support/db.ts';
import { startFunctionsServer, type FunctionsServer } from './support/functions.ts';
import { FAKE_REPLY, startFakeLlm, type FakeLlm, type FakeMode } from './support/fake-llm.ts';

const PREFIX = '+1555076';
const DEADLINE_MS = 1500;
/** HTTP, signature and two database round trips on top of the brain's deadline. */
const SLACK_MS = 1000;

describe.skipIf(noStack)('a misbehaving LLM provider', () => {
  let sql: Sql;
  let fake: FakeLlm | undefined;
  let fn: FunctionsServer | undefined;
  let configId = '';

  beforeAll(async () => {
    sql = connect(env.dbUrl);
    const [row] = await sql<{ id: string }[]>`
      insert into agent_configs
      select (jsonb_populate_record(null::agent_configs, to_jsonb(a) || jsonb_build_object(
        'id', gen_random_uuid(), 'name', 'faults: openai then local', 'is_active', false,
        'providers', array['openai', 'local'], 'provider_settings', '{"openai": {"model": "gpt-fake"}}'::jsonb,
        'turn_deadline_ms', ${DEADLINE_MS}::int))).*
      from agent_configs a where a.is_active
      returning id`;
    configId = row!.id;
    fake = await startFakeLlm();
    fn = await startFunctionsServer({ OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'sk-faults-not-a-key' });
  }, 120_000);

  afterAll(async () => {
    await fn?.stop();
    await fake?.close();
    await removeCallers(sql, PREFIX);
    if (configId) await sql`delete from agent_configs where id = ${configId}`;
    await sql.end();
  }, 30_000);

  /** A call on the test config; returns its SID and caller. */
  async function openCall() {
    const who = { sid: newCallSid(), from: callerUnder(PREFIX) };
    twimlOf(await post('twilio-voice?mode=gather', callParams(who.sid, who.from), { base: fn!.base }));
    await sql`update conversations set agent_config_id = ${configId} where call_sid = ${who.sid}`;
    return who;
  }

  async function turn(who: { sid: string; from: string }, n: number, text: string) {
    const answer = await post(`twilio-turn?n=${n}`, callParams(who.sid, who.from, { SpeechResult: text, Confidence: '0.9' }),
      { base: fn!.base });
    return { answer, verbs: twimlOf(answer) };
  }

  it('a working provider answers the turn (the route to the fake is real)', async () => {
    fake!.mode = 'ok';
    const who = await openCall();
    const before = fake!.requests;
    const { verbs } = await turn(who, 1, 'Tell me about the Voice Agent Starter.');
    expect(saysOf(verbs).join(' ')).toContain(FAKE_REPLY);
    expect(fake!.requests).toBeGreaterThan(before);
    const stored = await messagesOf(sql, who.sid);
    expect(stored.find((m) => m.turn === 1 && m.role === 'agent')?.provider).toBe('openai');
  });

  const faults: FakeMode[] = ['hang', 'hang-mid-stream', 'error-500', 'garbage-html', 'garbage-stream', 'garbage-reply'];
  for (const mode of faults) {
    it(`${mode}: the local engine answers within the deadline, the turn stored once`, async () => {
      fake!.mode = mode;
      const who = await openCall();
      const before = fake!.requests;
      const { answer, verbs } = await turn(who, 1, 'What are your business hours?');
      expect(answer.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(fake!.requests).toBeGreaterThan(before);
      const said = saysOf(verbs).join(' ');
      expect(said).not.toContain(FAKE_REPLY);
      expect(said).not.toMatch(/transfer_to_human|"arguments"/);
      expect(nextTurnOf(verbs, fn!.base)).toBe('twilio-turn?n=2');
      expect(await callFacts(sql, who.sid)).toMatchObject({ messages: 3, callerMessages: 1, agentMessages: 2 });
      const agent = (await messagesOf(sql, who.sid)).find((m) => m.turn === 1 && m.role === 'agent')!;
      expect(agent.provider).toBe('local');
      expect(agent.content).toBe(said);
      // The call goes on with the next turn, still within the deadline.
      const next = await turn(who, 2, 'How much does it cost?');
      expect(next.answer.ms).toBeLessThan(DEADLINE_MS + SLACK_MS);
      expect(await callFacts(sql, who.sid)).toMatchObject({ messages: 5 });
    });
  }
});
