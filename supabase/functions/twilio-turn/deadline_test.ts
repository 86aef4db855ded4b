/**
 * A database that accepts connections and never answers (a restart under load looks like this):
 * every webhook still answers valid TwiML within its hard deadline.
 */
import { assert, assertEquals } from '../_shared/testing/assert.ts';
import { callParams, newCaller, newCallSid, readTwiml, signedRequest, testRuntime } from '../_shared/testing/harness.ts';
import { createHandler as turnHandler } from './handler.ts';
import { createHandler as voiceHandler } from '../twilio-voice/handler.ts';

/** A "database" that accepts connections and never answers a byte. */
function silentDatabase(): { url: string; close: () => void } {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const conn of listener) held.push(conn);
  })().catch(() => {});
  const port = (listener.addr as Deno.NetAddr).port;
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    close: () => {
      for (const c of held) c.close();
      listener.close();
    },
  };
}

Deno.test({ name: 'webhooks answer the fallback within their deadline while the database hangs',
  sanitizeResources: false, sanitizeOps: false, fn: async () => {
    const db = silentDatabase();
    const { rt, log } = testRuntime({}, { SUPABASE_DB_URL: db.url, WEBHOOK_DEADLINE_MS: '800' });
    try {
      const callSid = newCallSid();
      const from = newCaller();
      for (const [handle, path, extra] of [
        [voiceHandler(rt), 'twilio-voice', {}],
        [turnHandler(rt), 'twilio-turn?n=1', { SpeechResult: 'What are your hours?' }],
      ] as const) {
        const started = performance.now();
        const res = await handle(await signedRequest(path, callParams(callSid, from, extra)));
        const ms = performance.now() - started;
        assertEquals(res.status, 200);
        const doc = readTwiml(await res.text());
        assert(doc.says.length > 0, 'the caller hears something');
        assert(ms < 800 + 500, `answered in ${Math.round(ms)} ms`);
      }
      assertEquals(log.lines.filter((l) => l.message === 'webhook past its deadline; answered with the fallback').length, 2);
    } finally {
      db.close();
      await rt.sql.end({ timeout: 0 }).catch(() => {});
    }
  } });

Deno.test({ name: 'once a webhook found the database away, the next ones wait for it briefly, not the whole deadline',
  sanitizeResources: false, sanitizeOps: false, fn: async () => {
    const db = silentDatabase();
    const { rt } = testRuntime({}, { SUPABASE_DB_URL: db.url, WEBHOOK_DEADLINE_MS: '3000' });
    try {
      const from = newCaller();
      const times: number[] = [];
      for (const callSid of [newCallSid(), newCallSid()]) {
        const started = performance.now();
        const res = await voiceHandler(rt)(await signedRequest('twilio-voice', callParams(callSid, from)));
        times.push(performance.now() - started);
        assert(readTwiml(await res.text()).says.length > 0, 'the caller hears something');
      }
      // The first waits the deadline less the margin kept for sending; the second only briefly.
      assert(times[0] >= 2400 && times[0] < 3000, `first answered in ${Math.round(times[0])} ms`);
      assert(times[1] < 1500 + 400, `second answered in ${Math.round(times[1])} ms`);
    } finally {
      db.close();
      await rt.sql.end({ timeout: 0 }).catch(() => {});
    }
  } });
