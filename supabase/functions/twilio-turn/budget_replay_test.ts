/**
 * Costs and retries at the turn webhook: past the month's AI budget a turn runs on the local
 * engine only (and the admins are told); a retried turn replays the stored answer without asking
 * any brain again.
 */
import { assertEquals } from '../_shared/testing/assert.ts';
import { callParams, needsDb, readTwiml, signedRequest, testRuntime, testSql } from '../_shared/testing/harness.ts';
import { startTestCall } from '../_shared/testing/calls.ts';
import { scriptedBrain } from '../_shared/testing/scripted_brain.ts';
import type { AgentConfig } from '../_shared/brain/types.ts';
import { createHandler } from './handler.ts';

Deno.test({ name: 'turns and the monthly AI budget; retried turns', ...needsDb, fn: async (t) => {
  const db = testSql();
  const asked: string[][] = [];
  const brain = scriptedBrain((ctx) => ({ reply: `Answer to turn ${ctx.turnIndex}.`, meta: { cost_usd: 0.25 } as never }));
  const { rt } = testRuntime({ brain: (agent: AgentConfig) => (asked.push(agent.providers), brain) });
  const handle = createHandler(rt);
  const [config] = await db<{ id: string }[]>`
    insert into agent_configs select (jsonb_populate_record(null::agent_configs, to_jsonb(a) || jsonb_build_object(
      'id', gen_random_uuid(), 'name', 'budget test', 'is_active', false, 'providers', array['openai', 'local'],
      'monthly_budget_usd', 0))).*
    from agent_configs a where a.is_active returning id`;
  const turn = async (callSid: string, from: string, n: number, said: string) => {
    const res = await handle(await signedRequest(`twilio-turn?n=${n}`, callParams(callSid, from, { SpeechResult: said })));
    assertEquals(res.status, 200);
    return await res.text();
  };
  try {
    await t.step('budget spent: the turn asks for the local engine only, and the admins are told', async () => {
      const { callSid, from } = await startTestCall(rt);
      await db`update conversations set agent_config_id = ${config.id} where call_sid = ${callSid}`;
      const doc = readTwiml(await turn(callSid, from, 1, 'How much is the starter plan?'));
      assertEquals(doc.says, ['Answer to turn 1.']);
      assertEquals(asked.at(-1), ['local']);
      const [job] = await db`select payload from jobs where dedupe_key like 'notify:alert:monthly_budget:%'`;
      assertEquals(job.payload.alert, 'monthly_budget');
    });

    await t.step('budget raised: a fresh process asks for the configured providers again', async () => {
      await db`update agent_configs set monthly_budget_usd = 1000000 where id = ${config.id}`;
      const fresh = testRuntime({ brain: (agent: AgentConfig) => (asked.push(agent.providers), brain) }).rt;
      const { callSid, from } = await startTestCall(fresh);
      await db`update conversations set agent_config_id = ${config.id} where call_sid = ${callSid}`;
      await createHandler(fresh)(await signedRequest('twilio-turn?n=1', callParams(callSid, from, { SpeechResult: 'hi' })));
      assertEquals(asked.at(-1), ['openai', 'local']);
      await fresh.sql.end();
    });

    await t.step('a retried turn replays the stored answer before any brain runs, and is stored once', async () => {
      const { callSid, from } = await startTestCall(rt);
      const first = await turn(callSid, from, 1, 'What are your hours?');
      const seen = brain.seen.length;
      const retried = await turn(callSid, from, 1, 'What are your hours?');
      assertEquals(retried, first);
      assertEquals(brain.seen.length, seen);
      const [c] = await db`select count(*)::int as n, sum(m.cost_usd)::float8 as cost from messages m
        join conversations c on c.id = m.conversation_id where c.call_sid = ${callSid} and m.turn = 1`;
      assertEquals([c.n, c.cost], [2, 0.25]);
    });
  } finally {
    await db`update conversations set agent_config_id = null where agent_config_id = ${config.id}`;
    await db`delete from agent_configs where id = ${config.id}`;
    await db.end();
    await rt.sql.end();
  }
} });
