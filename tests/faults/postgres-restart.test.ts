/**
 * Postgres stopped in the middle of calls and started again. While it is down every webhook
 * still answers valid TwiML quickly (the fallback: an apology and a voicemail); once it is back
 * the calls go on where they were, and what was said is stored once (also what was said during it).
 * Runs on a cluster and functions server of its own: the other test files use the test stack's
 * database at the same time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sql } from 'postgres';
import { callParams, env, newCallSid, nextTurnOf, noStack, post, saysOf, twimlOf, type Answer } from './support/twilio.ts';
import { callFacts, connect, messagesOf } from './support/db.ts';
import { isolatedCluster, type IsolatedCluster } from './support/cluster.ts';
import { startFunctionsServer, type FunctionsServer } from './support/functions.ts';

/** Twilio waits 15 s; a fallback must come long before. */
const DOWN_ANSWER_MS = 5000;

describe.skipIf(noStack)('Postgres stopped and restarted mid-call', () => {
  let cluster: IsolatedCluster | undefined;
  let fn: FunctionsServer | undefined;
  let sql: Sql;

  beforeAll(async () => {
    cluster = await isolatedCluster('faults-pg');
    sql = connect(cluster.dbUrl);
    // Outside business hours the fallback is a voicemail, whatever the clock says.
    await sql`update agent_configs set hours_override = 'closed' where is_active`;
    fn = await startFunctionsServer({ SUPABASE_DB_URL: cluster.dbUrl });
  }, 120_000);

  afterAll(async () => {
    await sql?.end({ timeout: 1 });
    await fn?.stop();
    await cluster?.remove();
  }, 60_000);

  const at = (path: string, params: Record<string, string>) => post(path, params, { base: fn!.base });

  it('answers valid TwiML while it is down, and the calls go on once it is back, nothing lost or doubled', async () => {
    const a = { sid: newCallSid(), from: '+15550790001' };
    const b = { sid: newCallSid(), from: '+15550790002' };
    const c = { sid: newCallSid(), from: '+15550790003' };
    const speech = (who: typeof a, text: string) => callParams(who.sid, who.from, { SpeechResult: text, Confidence: '0.9' });

    // Calls A and B are under way.
    for (const who of [a, b]) {
      expect(nextTurnOf(twimlOf(await at('twilio-voice?mode=gather', callParams(who.sid, who.from))), fn!.base)).toBe('twilio-turn?n=1');
      twimlOf(await at('twilio-turn?n=1', speech(who, 'What are your business hours?')));
    }

    cluster!.stop();
    const down: Answer[] = [
      await at('twilio-turn?n=2', speech(a, 'How much does it cost?')),
      await at('twilio-voice?mode=gather', callParams(c.sid, c.from)),
      await at('twilio-status/recording', callParams(a.sid, a.from, {
        RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE-during-outage', RecordingDuration: '7' })),
    ];
    for (const answer of down) {
      expect(answer.ms).toBeLessThan(DOWN_ANSWER_MS);
      const verbs = twimlOf(answer);
      expect(saysOf(verbs).length).toBeGreaterThan(0);
    }
    // The turn and the new call get the voicemail offer.
    expect(twimlOf(down[0]!).map((v) => v.verb)).toEqual(['Say', 'Record', 'Say', 'Hangup']);
    expect(twimlOf(down[1]!).map((v) => v.verb)).toEqual(['Say', 'Record', 'Say', 'Hangup']);
    const health = await fetch(`${fn!.base}/health`);
    expect(health.status).toBe(503);
    await health.text();

    await cluster!.start();
    // Call B goes on at its next turn, as if nothing happened.
    const resumed = twimlOf(await at('twilio-turn?n=2', speech(b, 'Do you integrate with HubSpot?')));
    expect(nextTurnOf(resumed, fn!.base)).toBe('twilio-turn?n=3');
    // Call A's caller left a message after the tone: Twilio posts the recording (and may retry it).
    const recording = callParams(a.sid, a.from, {
      RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE-after-outage', RecordingDuration: '9' });
    twimlOf(await at('twilio-status/recording', recording));
    twimlOf(await at('twilio-status/recording', recording));
    // Call C, which the database never saw, left a message too.
    const cRecording = callParams(c.sid, c.from, {
      RecordingUrl: 'https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/RE-new-call', RecordingDuration: '5' });
    twimlOf(await at('twilio-status/recording', cRecording));
    for (const who of [a, b, c]) twimlOf(await at('twilio-status', callParams(who.sid, who.from, { CallStatus: 'completed' })));
    expect((await fetch(`${fn!.base}/health`)).status).toBe(200);

    // A: greeting, turn 1, and turn 2 said during the outage: held by the functions and stored
    // once the database was back, with the fallback's words; B: greeting and two turns.
    for (let i = 0; i < 100 && (await callFacts(sql, a.sid)).messages < 5; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await callFacts(sql, a.sid)).toMatchObject({ conversations: 1, messages: 5, status: 'completed' });
    const heldTurn = (await messagesOf(sql, a.sid)).filter((m) => m.turn === 2);
    expect(heldTurn.find((m) => m.role === 'caller')?.content).toBe('How much does it cost?');
    expect(heldTurn.find((m) => m.role === 'agent')?.content).toMatch(/trouble on my end/);
    expect(await callFacts(sql, b.sid)).toMatchObject({ conversations: 1, messages: 5, lastTurn: 2, status: 'completed' });
    expect((await messagesOf(sql, b.sid)).map((m) => `${m.turn}:${m.role}`))
      .toEqual(['0:agent', '1:caller', '1:agent', '2:caller', '2:agent']);
    expect((await callFacts(sql, c.sid)).conversations).toBe(0);
    // Each message left after the outage is one task; the one posted during it could not be kept.
    const tasks = await sql<{ notes: string; phone_number: string }[]>`
      select notes, phone_number from scheduled_tasks where task_type = 'message' order by created_at`;
    expect(tasks.map((t) => [t.phone_number, /RE-[\w-]+/.exec(t.notes)?.[0]])).toEqual([
      [a.from, 'RE-after-outage'],
      [c.from, 'RE-new-call'],
    ]);
  });
});
