/**
 * Hostile and malformed requests against the test stack's functions: missing and forged
 * signatures, oversized bodies, fuzzed form fields, SQL and XML metacharacters in speech. Every
 * answer is valid TwiML or a 4xx, never a 5xx; nothing is stored for a refused request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Sql } from 'postgres';
import { sign } from '../../tools/sim/twilio-signature.ts';
import { callerUnder, callParams, env, newCallSid, nextTurnOf, noStack, post, saysOf, twimlOf } from './support/twilio.ts';
import { callFacts, connect, messagesOf, removeCallers } from './support/db.ts';

const PREFIX = '+1555077';
const FUZZ_MARK = 'faults-fuzz';

describe.skipIf(noStack)('abuse', () => {
  let sql: Sql;
  const fuzzedSids: string[] = [];
  const fuzzedFroms: string[] = [];
  beforeAll(() => {
    sql = connect(env.dbUrl);
  });
  afterAll(async () => {
    await removeCallers(sql, PREFIX);
    await sql`delete from scheduled_tasks where notes like ${`%${FUZZ_MARK}%`}
      or conversation_id in (select id from conversations where call_sid = any(${fuzzedSids}))`;
    await sql`delete from conversations where call_sid = any(${fuzzedSids})`;
    await sql`delete from customers c where phone_number = any(${fuzzedFroms})
      and not exists (select 1 from conversations o where o.customer_id = c.id)`;
    await sql.end();
  });

  /** Opens a call and returns what the next turn's path is. */
  async function openCall(callSid: string, from: string): Promise<string> {
    const next = nextTurnOf(twimlOf(await post('twilio-voice?mode=gather', callParams(callSid, from))));
    expect(next).toBe('twilio-turn?n=1');
    return next!;
  }

  describe('signatures', () => {
    it('a missing, forged, wrongly keyed or replayed-elsewhere signature gets 403 and stores nothing', async () => {
      const callSid = newCallSid();
      const params = callParams(callSid, callerUnder(PREFIX));
      const voiceUrl = `${env.functionsUrl}/twilio-voice`;
      const attempts = [
        await post('twilio-voice', params, { signature: null }),
        await post('twilio-voice', params, { signature: '' }),
        await post('twilio-voice', params, { signature: 'bm90IGEgc2lnbmF0dXJl' }),
        await post('twilio-voice', params, { token: `${env.authToken}x` }),
        // Signed for another URL (the turn webhook) and replayed at the voice URL.
        await post('twilio-voice', params, { signature: sign(`${env.functionsUrl}/twilio-turn?n=1`, params, env.authToken) }),
        // Signed, then a parameter changed on the way.
        await post('twilio-voice', { ...params, From: '+15550109999' }, { signature: sign(voiceUrl, params, env.authToken) }),
      ];
      expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 403, 403, 403]);
      for (const path of ['twilio-turn?n=1', 'twilio-status', 'twilio-status/dial?n=1', 'twilio-status/recording']) {
        expect((await post(path, params, { signature: 'Zm9yZ2Vk' })).status).toBe(403);
      }
      expect((await callFacts(sql, callSid)).conversations).toBe(0);
    });

    it('a forged turn on a real call changes nothing in it', async () => {
      const callSid = newCallSid();
      const from = callerUnder(PREFIX);
      await openCall(callSid, from);
      const forged = await post('twilio-turn?n=1', callParams(callSid, from, { SpeechResult: 'transfer me to 911' }),
        { token: 'not-the-token' });
      expect(forged.status).toBe(403);
      expect(await callFacts(sql, callSid)).toMatchObject({ conversations: 1, messages: 1, lastTurn: 0 });
    });
  });

  describe('bodies too large', () => {
    it('413 for a declared or streamed body over 64 KB, and nothing stored', async () => {
      const callSid = newCallSid();
      const big = callParams(callSid, callerUnder(PREFIX), { SpeechResult: 'a'.repeat(70_000) });
      expect((await post('twilio-voice', big)).status).toBe(413);
      // Streamed without a content-length: the server stops reading at the limit.
      const chunks = new ReadableStream<Uint8Array>({
        start(controller) {
          const chunk = new TextEncoder().encode(`X=${'b'.repeat(16_383)}&`);
          for (let i = 0; i < 8; i++) controller.enqueue(chunk);
          controller.close();
        },
      });
      const res = await fetch(`${env.functionsUrl}/twilio-turn?n=1`, { method: 'POST', body: chunks, duplex: 'half',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'x' } } as RequestInit);
      expect(res.status).toBe(413);
      await res.text();
      expect((await callFacts(sql, callSid)).conversations).toBe(0);
    });

    it('400 for one field over 8 KB on a signed request', async () => {
      const callSid = newCallSid();
      const answer = await post('twilio-voice', callParams(callSid, callerUnder(PREFIX), { SpeechResult: 'a'.repeat(9_000) }));
      expect(answer.status).toBe(400);
      expect((await callFacts(sql, callSid)).conversations).toBe(0);
    });
  });

  describe('SQL and XML metacharacters in speech', () => {
    const nasty = [
      `Robert'); DROP TABLE messages;--`,
      `' OR '1'='1`,
      `"; select pg_sleep(10); --`,
      `</Say><Dial>+15550100666</Dial><Say>`,
      `<![CDATA[<Hangup/>]]> & &amp; &#x3C; <?xml version="1.0"?>`,
      `$1 $$ \\x00 \\' %s %n {{name}} \${process.env}`,
      `emoji 🙂 and right-to-left ‮ text`,
    ];

    it('answers valid TwiML with no injected verbs, and stores each turn verbatim, once', async () => {
      const callSid = newCallSid();
      const from = callerUnder(PREFIX);
      let next = await openCall(callSid, from);
      for (const speech of nasty) {
        const verbs = twimlOf(await post(next, callParams(callSid, from, { SpeechResult: speech, Confidence: '0.9' })));
        expect(verbs.map((v) => v.verb)).not.toContain('Dial');
        expect(saysOf(verbs).join(' ')).not.toContain('<');
        next = nextTurnOf(verbs) ?? '';
        if (!next) break;
      }
      const stored = await messagesOf(sql, callSid);
      const callerWords = stored.filter((m) => m.role === 'caller').map((m) => m.content);
      expect(callerWords).toEqual(nasty.slice(0, callerWords.length).map((s) => s.trim()));
      expect(callerWords.length).toBeGreaterThanOrEqual(3);
      const facts = await callFacts(sql, callSid);
      expect(facts.messages).toBe(1 + 2 * callerWords.length);
      const [tables] = await sql<{ n: number }[]>`select count(*)::int as n from information_schema.tables
        where table_schema = 'public' and table_name in ('messages', 'conversations', 'customers')`;
      expect(tables!.n).toBe(3);
    });

    it('a caller number full of metacharacters is stored as text and never called back', async () => {
      const callSid = newCallSid();
      const from = `${PREFIX}1'--<x>`;
      fuzzedFroms.push(from);
      const verbs = twimlOf(await post('twilio-voice?mode=gather', callParams(callSid, from)));
      expect(verbs.map((v) => v.verb)).toEqual(['Gather', 'Redirect']);
      const [row] = await sql<{ from_number: string; customer_id: string | null }[]>`
        select from_number, customer_id from conversations where call_sid = ${callSid}`;
      expect(row).toEqual({ from_number: from, customer_id: null });
    });
  });

  describe('fuzzed form fields (fast-check)', () => {
    const paths = ['twilio-voice', 'twilio-turn?n=1', 'twilio-turn?n=2&silence=1', 'twilio-turn?n=0', 'twilio-turn?n=abc',
      'twilio-turn?n=3&dial=busy', 'twilio-status', 'twilio-status/dial?n=1', 'twilio-status/dial?n=0',
      'twilio-status/recording'];
    const anyText = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }),
      fc.constantFrom('', ' ', '0', '-1', 'NaN', '1e309', 'null', 'completed', 'ringing', 'in-progress', 'busy',
        'no-answer', 'failed', 'canceled', 'outbound-api', 'inbound', "'; drop table x;--", '<Hangup/>', '\u0000',
        '\uFFFE', '\uD800'));
    const callSid = fc.oneof(fc.constant(null), fc.stringMatching(/^CA[0-9a-f]{32}$/), anyText);
    const field = fc.constantFrom('From', 'To', 'Caller', 'CallStatus', 'Direction', 'SpeechResult', 'Confidence', 'Digits',
      'CallDuration', 'DialCallStatus', 'DialCallDuration', 'RecordingUrl', 'RecordingDuration', 'AccountSid', 'X-Extra');

    it('every signed request gets 200 with valid TwiML or a 4xx, never a 5xx', async () => {
      await fc.assert(fc.asyncProperty(
        fc.constantFrom(...paths), callSid, fc.array(fc.tuple(field, anyText), { maxLength: 8 }), fc.boolean(),
        async (path, sid, fields, repeat) => {
          const pairs: [string, string][] = [];
          if (sid !== null) pairs.push(['CallSid', sid]);
          for (const [name, value] of fields) {
            pairs.push([name, name === 'RecordingUrl' ? `https://example.test/${FUZZ_MARK}/${value}` : value]);
            if (repeat) pairs.push([name, value]);
          }
          // Only these can have become rows: a well-formed CallSid, a callable number.
          if (sid && /^CA[0-9a-fA-F]{32}$/.test(sid)) fuzzedSids.push(sid);
          for (const [name, value] of pairs) {
            if ((name === 'From' || name === 'Caller') && /^\+\d{2,15}$/.test(value)) fuzzedFroms.push(value);
          }
          const answer = await post(path, pairs);
          if (answer.status === 200) {
            expect(() => twimlOf(answer)).not.toThrow();
          } else {
            expect(answer.status, `${path} ${JSON.stringify(pairs)}: ${answer.body}`).toBeGreaterThanOrEqual(400);
            expect(answer.status, `${path} ${JSON.stringify(pairs)}: ${answer.body}`).toBeLessThan(500);
          }
        }), { numRuns: 150 });
    });

    it('raw bytes that are not a form: a 4xx, never a 5xx', async () => {
      await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...paths.slice(0, 3), 'twilio-status'),
        fc.constantFrom('application/x-www-form-urlencoded', 'application/json', 'text/plain', ''),
        async (bytes, path, type) => {
          const res = await fetch(`${env.functionsUrl}/${path}`, { method: 'POST', body: bytes,
            headers: { 'content-type': type, 'x-twilio-signature': 'x' } });
          await res.text();
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        }), { numRuns: 60 });
    });
  });
});
