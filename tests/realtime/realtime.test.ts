/**
 * Realtime voice mode against the test stack (the twilio-media function bridged to the local
 * Realtime stand-in), played by the simulator as Twilio Media Streams with real audio:
 * a forged handshake is refused; a barge-in clears Twilio's buffer and stores the part heard;
 * the Realtime API failing mid-call hands the call to relay mode, which carries on from
 * the stored history.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import WebSocket from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { CallSession } from '../../tools/sim/call.ts';
import { standInPost } from '../../tools/sim/media-stream.ts';
import { sign } from '../../tools/sim/twilio-signature.ts';
import { resetCaller } from '../../tools/sim/scenario-db.ts';
import { callerUnder, env, newCallSid, noStack } from '../faults/support/twilio.ts';

const standIn = process.env.TEST_REALTIME_STANDIN_URL
  ? { standInUrl: process.env.TEST_REALTIME_STANDIN_URL, standInCa: readFileSync(process.env.TEST_REALTIME_STANDIN_CA!, 'utf8') }
  : null;
const skip = noStack || !standIn;
const sql = skip ? null : postgres(env.dbUrl, { max: 2, onnotice: () => {} });
const callers: string[] = [];
afterAll(async () => {
  if (!sql) return;
  for (const caller of callers) await resetCaller(sql, caller);
  await sql.end();
});

const mediaUrl = () => `${env.functionsUrl.replace(/^http/, 'ws')}/twilio-media`;

function handshake(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => (ws.close(), resolve(101)));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

function call(from: string): CallSession {
  callers.push(from);
  return new CallSession({ voiceUrl: `${env.functionsUrl}/twilio-voice?mode=realtime`,
    statusCallbackUrl: `${env.functionsUrl}/twilio-status`, authToken: env.authToken, accountSid: env.accountSid,
    from, to: env.number, realtime: standIn! });
}

async function agentTurns(callSid: string) {
  return sql!<{ turn: number; content: string; provider: string | null }[]>`
    select m.turn, m.content, m.provider from messages m join conversations c on c.id = m.conversation_id
    where c.call_sid = ${callSid} and m.role = 'agent' order by m.turn`;
}

describe.skipIf(skip)('realtime voice mode', { concurrent: true }, () => {
  it('refuses a media stream whose handshake is unsigned, forged, or signed for another URL', async () => {
    const url = mediaUrl();
    expect(await handshake(url, {})).toBe(403);
    expect(await handshake(url, { 'x-twilio-signature': sign(url, {}, `${env.authToken}x`) })).toBe(403);
    expect(await handshake(url, { 'x-twilio-signature': sign(`${url}/other`, {}, env.authToken) })).toBe(403);
    expect(await handshake(url, { 'x-twilio-signature': sign(url, {}, env.authToken) })).toBe(101);
    const after = await fetch(`${env.functionsUrl}/twilio-media/after`, { method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `CallSid=${newCallSid()}` });
    expect(after.status).toBe(403);
  });

  it('a barge-in clears Twilio\'s buffer, and what is stored is the part the caller heard', async () => {
    const session = call(callerUnder('+1555414'));
    await session.start();
    await session.send({ kind: 'speech', text: 'What comes with the starter package?' }, { cutAfterMs: 2000 });
    await session.send({ kind: 'speech', text: 'okay thanks, that is all I needed' }, { bargeIn: true });
    await session.hangup();
    expect(session.streamStats.clears).toBeGreaterThanOrEqual(1);
    const full = session.streamStats.replies.find((r) => /starter/i.test(r.text));
    expect(full, 'the reply that was cut').toBeTruthy();
    expect(full!.complete).toBe(false);
    const [, cut] = await agentTurns(session.callSid);
    const stored = cut!.content.split(/\s+/);
    const whole = full!.text.split(/\s+/);
    // A strict prefix of the reply, about as long as what the simulated caller heard.
    expect(stored.length).toBeGreaterThan(2);
    expect(stored.length).toBeLessThan(whole.length);
    expect(full!.text.startsWith(cut!.content.replace(/[,.;]$/, ''))).toBe(true);
    expect(Math.abs(stored.length - full!.heard.split(/\s+/).length)).toBeLessThanOrEqual(2);
    // The caller's record of the turn is the reply as it reached the line (the stand-in sends ahead
    // of real time, so all of it), as a relay reply's is all its tokens; the database keeps the heard part.
    expect(full!.said).toBe(full!.text);
    expect(session.turns[1]!.agent).toBe(full!.said);
  }, 90_000);

  it('when the Realtime API fails mid-call, the call goes on in relay mode from its history', async () => {
    const from = callerUnder('+1555414');
    const session = call(from);
    await session.start();
    const first = await session.send({ kind: 'speech', text: 'Hi, this is Dana Whitfield from Orchard Dental' });
    expect(first.agent).toMatch(/Dana/);
    await standInPost(standIn!.standInUrl, standIn!.standInCa, '/_test/fail', { call_sid: session.callSid });
    const lost = await session.send({ kind: 'speech', text: 'What happens if we go over the minutes?' });
    expect(lost.agent).toMatch(/lost you/i);
    expect(session.listening?.kind).toBe('gather');
    const answered = await session.send({ kind: 'speech', text: 'What happens if we go over the minutes?' });
    expect(answered.agent).toMatch(/12 cents|0?\.12|twelve cents/i);
    await session.hangup();
    const [conv] = await sql!`select voice_fallback, voice_mode, stream_handoff->>'next' as next from conversations
      where call_sid = ${session.callSid}`;
    expect(conv!.voice_fallback).toMatch(/mid-call/);
    expect(conv!.voice_mode).toBe('relay');
    expect(session.relaySessions).toBe(1);
    expect(conv!.next).toBe('fallback');
    const turns = await agentTurns(session.callSid);
    expect(turns.map((t) => [t.turn, t.provider])).toEqual([[0, null], [1, 'openai-realtime'], [2, 'local']]);
    const [customer] = await sql!`select name, company from customers where phone_number = ${from}`;
    expect(customer).toEqual({ name: 'Dana Whitfield', company: 'Orchard Dental' });
  }, 90_000);
});
