/** The TypeScript side of the SQL contract: what record_turn returns has the fields the types say. */
import { assertEquals } from '../testing/assert.ts';
import { needsDb, newCaller, newCallSid, testRuntime } from '../testing/harness.ts';
import { COMMITTED_TASK_FIELDS, store } from './store.ts';

Deno.test({
  name: 'record_turn returns the tasks it committed, with the fields CommittedTask names, and the language',
  ...needsDb,
  async fn() {
    const { rt } = testRuntime();
    const sid = newCallSid();
    try {
      await store.startCall(rt.sql, sid, newCaller(), '+15550100000', 'inbound');
      const at = new Date(Date.now() + 86_400_000).toISOString();
      const out = await store.recordTurn(rt.sql, {
        callSid: sid, turn: 1, input: { kind: 'speech', text: 'que me llame Jordan mañana, es sobre la factura' },
        reply: 'ok', meta: { provider: 'local', latency_ms: 1, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [], language: 'es' },
        state: {}, actions: {
          callback: { at, phone: '', topic: 'billing', user_id: 'user_jordan_lee' },
          message: { text: 'Factura', topic: 'billing' },
        },
      });
      assertEquals(Object.keys(out.committed?.callback ?? {}).sort(), [...COMMITTED_TASK_FIELDS].sort());
      assertEquals(Object.keys(out.committed?.message ?? {}).sort(), [...COMMITTED_TASK_FIELDS].sort());
      assertEquals(out.committed?.callback?.assignee_name, 'Jordan Lee');
      assertEquals(out.committed?.message?.assigned_to, 'user_sam_patel');
      assertEquals(new Date(out.committed!.callback!.at).toISOString(), at);
      assertEquals(out.language, 'es');
    } finally {
      await rt.sql`delete from public.conversations where call_sid = ${sid}`;
      await rt.sql.end();
    }
  },
});
