import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, claimsFor } from '../../web/src/lib/server/db.ts';
import { callDetail, callFilters, searchCalls, todayFigures } from '../../web/src/lib/server/queries/calls.ts';
import { liveCalls } from '../../web/src/lib/server/queries/live.ts';
import { asService, MEMBER, placeCall, startCall, testDb, uniq, type Sql } from './fixtures.ts';
import { skipWithout } from '../support/stack-env.ts';

const url = process.env.TEST_DB_URL;
const asMember = <T>(sql: Sql, fn: Parameters<typeof asUser<T>>[2]) => asUser(sql, claimsFor(MEMBER), fn);
const filters = (q: Record<string, string>) => callFilters(new URLSearchParams(q));

describe('callFilters', () => {
  it('drops unusable values instead of failing', () => {
    expect(filters({ outcome: 'nonsense', escalated: 'maybe', from: '2026-13-45', page: '-3' })).toEqual({
      q: '', outcome: '', escalated: '', from: '', to: '', page: 1,
    });
  });
});

describe.skipIf(skipWithout({ TEST_DB_URL: url }))('call history under RLS', () => {
  let sql: Sql;
  const word = `zebra${uniq()}`;
  let lead: Awaited<ReturnType<typeof placeCall>>;
  let escalated: Awaited<ReturnType<typeof placeCall>>;

  beforeAll(async () => {
    sql = testDb(url!);
    lead = await placeCall(sql, {
      turns: [
        { caller: `I need a quote for ${word} grooming`, agent: 'Sure, what is your name?', latencyMs: 300, tools: ['search_knowledge'] },
        { caller: 'Casey Quinn', agent: 'Thanks Casey.', latencyMs: 700, tools: ['capture_lead'], actions: { lead: { name: `Casey ${word}`, company: 'Quinn Co' } } },
      ],
      summary: 'Wants a quote.',
      sentiment: 0.5,
    });
    escalated = await placeCall(sql, {
      turns: [{ caller: 'I want to talk to billing', agent: 'Connecting you to Sam.', actions: { transfer: { user_id: 'user_sam_patel' } }, tools: ['transfer'] }],
    });
  });
  afterAll(() => sql.end());

  it('finds a call by a word said in it', async () => {
    const { rows, total } = await asMember(sql, (tx) => searchCalls(tx, filters({ q: word })));
    expect(total).toBe(1);
    expect(rows[0].id).toBe(lead.id);
  });

  it('finds a call by the caller’s number, with or without formatting, and by name', async () => {
    const digits = lead.from.slice(-7);
    const formatted = `${digits.slice(0, 3)}-${digits.slice(3)}`;
    for (const q of [lead.from, formatted, `Casey ${word}`]) {
      const { rows } = await asMember(sql, (tx) => searchCalls(tx, filters({ q })));
      expect(rows.map((r) => r.id)).toContain(lead.id);
    }
  });

  it('filters by outcome and escalation', async () => {
    const esc = await asMember(sql, (tx) => searchCalls(tx, filters({ escalated: 'yes', q: escalated.from })));
    expect(esc.rows.map((r) => r.id)).toEqual([escalated.id]);
    const notEsc = await asMember(sql, (tx) => searchCalls(tx, filters({ escalated: 'no', q: escalated.from })));
    expect(notEsc.total).toBe(0);
    const leads = await asMember(sql, (tx) => searchCalls(tx, filters({ outcome: 'lead_captured', q: word })));
    expect(leads.rows.map((r) => r.outcome)).toEqual(['lead_captured']);
  });

  it('filters by business-local dates', async () => {
    const today = await asMember(sql, (tx) => tx<{ d: string }[]>`select to_char(now() at time zone public.business_timezone(), 'YYYY-MM-DD') as d`);
    const d = today[0].d;
    expect((await asMember(sql, (tx) => searchCalls(tx, filters({ q: word, from: d, to: d })))).total).toBe(1);
    expect((await asMember(sql, (tx) => searchCalls(tx, filters({ q: word, to: '2020-01-01' })))).total).toBe(0);
  });

  it('pages 25 at a time, newest first', async () => {
    const first = await asMember(sql, (tx) => searchCalls(tx, filters({})));
    expect(first.rows.length).toBe(Math.min(25, first.total));
    const times = first.rows.map((r) => +r.started_at);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    if (first.total > 25) {
      const second = await asMember(sql, (tx) => searchCalls(tx, filters({ page: '2' })));
      expect(second.rows[0].id).not.toBe(first.rows[0].id);
    }
  });

  it('a call’s page has the transcript in order, latency, tools, cost, summary and the lead', async () => {
    const detail = await asMember(sql, (tx) => callDetail(tx, lead.id));
    expect(detail).not.toBeNull();
    const { call, transcript, customer } = detail!;
    expect(transcript.map((l) => `${l.turn}${l.role}`)).toEqual(['0agent', '1caller', '1agent', '2caller', '2agent']);
    expect(transcript.filter((l) => l.role === 'agent' && l.turn > 0).map((l) => l.latency_ms)).toEqual([300, 700]);
    expect(transcript.flatMap((l) => l.tools ?? [])).toEqual(['search_knowledge', 'capture_lead']);
    expect(call.cost_usd).toBeCloseTo(0.0024, 6);
    expect(call.summary).toBe('Wants a quote.');
    expect(call.outcome).toBe('lead_captured');
    expect(customer).toMatchObject({ name: `Casey ${word}`, company: 'Quinn Co' });
  });

  it('a relay call’s transcript carries the time to first words and marks a reply the caller cut off', async () => {
    const call = await startCall(sql, `+1555077${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`);
    await asService(sql, (tx) => tx`select public.record_turn(${call.callSid}, 1, ${tx.json({ kind: 'speech', text: 'How much is it?' })},
      'Our Starter plan is', ${tx.json({ provider: 'openai', latency_ms: 900, first_token_ms: 310, interrupted: true, voice_mode: 'relay' })},
      ${tx.json({})}, ${tx.json({})})`);
    const detail = await asMember(sql, (tx) => callDetail(tx, call.id));
    const reply = detail!.transcript.find((l) => l.role === 'agent' && l.turn === 1)!;
    expect([reply.content, reply.first_token_ms, reply.interrupted, reply.latency_ms]).toEqual(['Our Starter plan is', 310, true, 900]);
  });

  it('a stranger sees no calls at all', async () => {
    const { total } = await asUser(sql, claimsFor('user_stranger'), (tx) => searchCalls(tx, filters({})));
    expect(total).toBe(0);
    expect(await asUser(sql, claimsFor('user_stranger'), (tx) => callDetail(tx, lead.id))).toBeNull();
  });

  it('live calls and today’s figures count a call in progress', async () => {
    const before = await asMember(sql, (tx) => todayFigures(tx));
    const open = await startCall(sql, '+15550147777');
    const after = await asMember(sql, (tx) => todayFigures(tx));
    expect(after.calls).toBe(before.calls + 1);
    expect(after.live).toBe(before.live + 1);
    expect((await asMember(sql, (tx) => liveCalls(tx))).map((c) => c.id)).toContain(open.id);
    await sql`select public.finish_call(${open.callSid}, 'completed', 3)`;
    expect((await asMember(sql, (tx) => liveCalls(tx))).map((c) => c.id)).not.toContain(open.id);
  });
});
