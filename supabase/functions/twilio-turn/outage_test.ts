/**
 * The database goes away mid-call: the turn is answered by the fallback at once, and what the
 * caller said is stored once the database is back (with what the fallback said), exactly once.
 */
import { assertEquals } from '../_shared/testing/assert.ts';
import { callParams, needsDb, newCaller, newCallSid, readTwiml, signedRequest, testDbUrl, testRuntime, testSql }
  from '../_shared/testing/harness.ts';
import { createHandler as turnHandler } from './handler.ts';
import { createHandler as voiceHandler } from '../twilio-voice/handler.ts';

/** A TCP proxy to the test database that can drop every connection and refuse new ones. */
function switchableProxy(target: URL) {
  const listener = Deno.listen({ hostname: '127.0.0.1', port: 0 });
  const open = new Set<Deno.Conn>();
  let up = true;
  (async () => {
    for await (const conn of listener) {
      if (!up) {
        conn.close();
        continue;
      }
      try {
        const server = await Deno.connect({ hostname: target.hostname, port: Number(target.port) });
        open.add(conn).add(server);
        const done = () => {
          for (const c of [conn, server]) {
            open.delete(c);
            try {
              c.close();
            } catch { /* closed */ }
          }
        };
        conn.readable.pipeTo(server.writable).catch(() => {}).finally(done);
        server.readable.pipeTo(conn.writable).catch(() => {}).finally(done);
      } catch {
        conn.close();
      }
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    set(on: boolean) {
      up = on;
      if (!on) {
        for (const c of open) {
          try {
            c.close();
          } catch { /* closed */ }
        }
        open.clear();
      }
    },
    close() {
      this.set(false);
      listener.close();
    },
  };
}

Deno.test({ name: 'a turn said while the database is down is stored once it is back', ...needsDb, fn: async () => {
  const target = new URL(testDbUrl!);
  const proxy = switchableProxy(target);
  const { rt } = testRuntime({}, {
    SUPABASE_DB_URL: `postgresql://${target.username}:${target.password}@127.0.0.1:${proxy.port}${target.pathname}`,
    WEBHOOK_DEADLINE_MS: '3000',
  });
  const db = testSql();
  try {
    const callSid = newCallSid();
    const from = newCaller();
    const voice = voiceHandler(rt);
    const turn = turnHandler(rt);
    await voice(await signedRequest('twilio-voice', callParams(callSid, from)));
    await turn(await signedRequest('twilio-turn?n=1', callParams(callSid, from, { SpeechResult: 'What are your hours?' })));

    proxy.set(false);
    const said = 'My name is Ana Silva and I need a quote for twelve seats.';
    const res = await turn(await signedRequest('twilio-turn?n=2', callParams(callSid, from, { SpeechResult: said })));
    const doc = readTwiml(await res.text());
    assertEquals(doc.verbs.includes('Say'), true);
    assertEquals(rt.outbox.size, 1);

    proxy.set(true);
    assertEquals(await rt.outbox.flush(), 1);
    assertEquals(rt.outbox.size, 0);
    const rows = await db`select m.turn, m.role, m.content from messages m join conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid} and m.turn = 2 order by m.role`;
    assertEquals(rows.map((r) => [r.role, r.content === said || r.content.startsWith("I'm sorry")]),
      [['agent', true], ['caller', true]]);
    assertEquals(rows.find((r) => r.role === 'caller')!.content, said);
    // Flushing again (or Twilio retrying the turn) stores nothing twice.
    await rt.outbox.flush();
    const [{ n }] = await db`select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
      where c.call_sid = ${callSid}`;
    assertEquals(n, 5);
  } finally {
    proxy.close();
    await db.end();
    await rt.sql.end({ timeout: 0 }).catch(() => {});
  }
} });
