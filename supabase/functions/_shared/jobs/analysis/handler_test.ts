import { assert, assertEquals, assertMatch, assertRejects } from '../../testing/assert.ts';
import { needsDb, testSql } from '../../testing/harness.ts';
import { scriptedModel } from '../../brain/llm/testing/scripted_model.ts';
import { startFakeOpenAi } from '../../brain/llm/testing/fake_openai.ts';
import type { AgentConfig } from '../../brain/types.ts';
import { analysisModels } from './models.ts';
import { analyseCallJob } from './handler.ts';
import { fakeJob, insertClosedCall, testJobDeps } from '../test_support.ts';

const modelJson = JSON.stringify({
  summary: 'Dana from Orchard Dental wants an AI receptionist for three offices and booked a demo.',
  sentiment: 0.72,
  lead_score: 88,
  outcome: 'lead_captured',
  fields: { name: 'Dana Whitfield', company: 'Orchard Dental', timeline: 'next month' },
  topics: ['pricing', 'demo'],
});

Deno.test({
  name: 'analyse_call job',
  ...needsDb,
  fn: async (t) => {
    const sql = testSql();

    await t.step(
      'the local analyser stores summary, sentiment, lead score and fields; follow-ups are queued',
      async () => {
        const { deps } = testJobDeps();
        const call = await insertClosedCall(sql, {
          outcome: 'answered',
          turns: [
            ['agent', 'Thanks for calling.'],
            ['caller', 'Hi, my name is Marcus Bell, how much is the starter plan?'],
            ['agent', 'It is $99 a month.'],
            ['caller', 'Great, thank you, that sounds good'],
          ],
        });
        const result = await analyseCallJob(
          fakeJob('analyse_call', { conversation_id: call.conversationId }),
          deps,
        );
        assertEquals(result, { analysed_by: 'local' });
        const [row] =
          await sql`select c.summary, c.sentiment_score::float as sentiment, c.lead_score, c.outcome,
        c.analysis -> 'fields' ->> 'name' as found, cu.name, cu.sentiment_score::float as cu_sentiment, cu.lead_score as cu_score
      from conversations c join customers cu on cu.id = c.customer_id where c.id = ${call.conversationId}`;
        assertMatch(row.summary, /^Marcus Bell called/);
        assert(row.sentiment > 0 && row.sentiment <= 1, `sentiment ${row.sentiment}`);
        assertEquals([row.outcome, row.found, row.name, row.cu_sentiment, row.cu_score], [
          'answered',
          'Marcus Bell',
          'Marcus Bell',
          row.sentiment,
          row.lead_score,
        ]);
        const jobs = await sql`select kind, payload ->> 'kind' as notify from jobs
      where dedupe_key in (${`notify:call_summary:${call.conversationId}`}, ${`crm_sync:call.analysed:${call.conversationId}`})
      order by kind`;
        assertEquals(jobs.map((j) => j.kind), ['crm_sync', 'notify']);
        await deps.sql.end();
      },
    );

    await t.step('a configured model analyses; the recorded outcome still wins', async () => {
      const model = scriptedModel([modelJson]);
      const { deps } = testJobDeps({ analysisModels: () => [model] });
      const call = await insertClosedCall(sql, {
        outcome: 'callback_booked',
        turns: [['caller', 'I would like a demo']],
      });
      assertEquals(
        await analyseCallJob(fakeJob('analyse_call', { conversation_id: call.conversationId }), deps),
        { analysed_by: 'scripted' },
      );
      const [row] =
        await sql`select summary, sentiment_score::float as s, lead_score, outcome, analysis ->> 'model' as model
      from conversations where id = ${call.conversationId}`;
      assertEquals(row, {
        summary: 'Dana from Orchard Dental wants an AI receptionist for three offices and booked a demo.',
        s: 0.72,
        lead_score: 88,
        outcome: 'callback_booked',
        model: 'gpt-4o-mini',
      });
      assertMatch(
        model.requests[0].messages[0].content as string,
        /Recorded outcome: callback_booked[\s\S]*Caller: I would like a demo/,
      );
      await deps.sql.end();
    });

    await t.step('a model that fails or answers garbage falls through to the local analyser', async () => {
      const down = Object.assign(new Error('boom'), { name: 'APIConnectionError' });
      const { deps, log } = testJobDeps({
        analysisModels: () => [scriptedModel([down]), scriptedModel(['Sure! Here you go.'])],
      });
      const call = await insertClosedCall(sql, {
        turns: [['caller', 'What are your hours? My number is 555 0199']],
      });
      assertEquals(
        await analyseCallJob(fakeJob('analyse_call', { conversation_id: call.conversationId }), deps),
        { analysed_by: 'local' },
      );
      const [row] =
        await sql`select analysis -> 'failures' as failures from conversations where id = ${call.conversationId}`;
      assertEquals(row.failures, ['scripted: APIConnectionError', 'scripted: bad_response no JSON object']);
      assert(!JSON.stringify(log.lines).includes('0199'), 'no caller words in the log');
      await deps.sql.end();
    });

    await t.step('a call analysed before is not analysed again', async () => {
      const model = scriptedModel([modelJson, modelJson]);
      const { deps } = testJobDeps({ analysisModels: () => [model] });
      const call = await insertClosedCall(sql, { turns: [['caller', 'hello']] });
      const job = fakeJob('analyse_call', { conversation_id: call.conversationId });
      await analyseCallJob(job, deps);
      const [before] =
        await sql`select analysed_at, summary from conversations where id = ${call.conversationId}`;
      assertEquals(await analyseCallJob(job, deps), { analysed_by: 'previous run' });
      const [after] =
        await sql`select analysed_at, summary from conversations where id = ${call.conversationId}`;
      assertEquals(after, before);
      assertEquals(model.requests.length, 1);
      await deps.sql.end();
    });

    await t.step('a call still going, or no call at all, is a permanent failure', async () => {
      const { deps } = testJobDeps();
      const [open] = await sql`insert into conversations (call_sid, from_number, to_number)
      values (${`CA${
        crypto.randomUUID().replaceAll('-', '')
      }`}, '+15550109999', '+15550100000') returning id`;
      const e1 = await assertRejects(
        () => analyseCallJob(fakeJob('analyse_call', { conversation_id: open.id }), deps),
        /has not ended/,
      );
      assertEquals((e1 as { retryable?: boolean }).retryable, false);
      await assertRejects(
        () => analyseCallJob(fakeJob('analyse_call', { conversation_id: crypto.randomUUID() }), deps),
        /unknown conversation/,
      );
      await assertRejects(() => analyseCallJob(fakeJob('analyse_call', {}), deps), /no conversation_id/);
      await deps.sql.end();
    });

    await t.step('through the OpenAI SDK against a local stand-in, keyed from the environment', async () => {
      const server = startFakeOpenAi();
      server.script({ kind: 'text', text: `\`\`\`json\n${modelJson}\n\`\`\`` });
      const env = { OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: server.url };
      const agent = {
        providers: ['openai', 'local'],
        provider_settings: { openai: { model: 'gpt-4o-mini' } },
      } as unknown as AgentConfig;
      const { models, skipped } = analysisModels(agent, env);
      assertEquals([models.length, skipped], [1, []]);
      const { deps } = testJobDeps({ analysisModels: () => models });
      const call = await insertClosedCall(sql, { turns: [['caller', 'I want a demo']] });
      assertEquals(
        await analyseCallJob(fakeJob('analyse_call', { conversation_id: call.conversationId }), deps),
        { analysed_by: 'openai' },
      );
      assertEquals(server.requests[0].headers.authorization, 'Bearer sk-test');
      const noKey = analysisModels(agent, {});
      assertEquals([noKey.models.length, noKey.skipped], [0, ['openai skipped: OPENAI_API_KEY is not set']]);
      const elsewhere = analysisModels(
        {
          ...agent,
          provider_settings: { openai: { model: 'm', base_url: 'http://127.0.0.1:9/v1' } },
        } as unknown as AgentConfig,
        { OPENAI_API_KEY: 'sk-test', LLM_BASE_URL_ALLOWLIST: 'http://127.0.0.1:9' },
      );
      assertEquals(elsewhere.models.length, 1, 'an allowed configured host gets a model, but not the key');
      const internal = analysisModels({ ...agent, provider_settings: { openai: { model: 'm',
        base_url: 'http://169.254.169.254/v1' } } } as unknown as AgentConfig, { OPENAI_API_KEY: 'sk-test' });
      assertEquals(internal.models.length, 0, 'a host that is not allowed gets nothing');
      await server.close();
      await deps.sql.end();
    });

    await sql.end();
  },
});
