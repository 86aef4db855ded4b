/**
 * A campaign end to end on the test stack: the jobs worker dials through the Calls API stand-in
 * (tools/sim/callee), which plays each callee. A person is reached and the agent opens with the
 * campaign's words; an answering machine gets the Spanish voicemail after the beep; a number
 * nobody answers is retried after the campaign's spacing and then reached; a number on the
 * do-not-call list and a lead whose local time is 3 AM are never dialled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import postgres, { type Sql } from 'postgres';
import { zoneAtLocalHour } from './zones.ts';

const env = {
  dbUrl: process.env.TEST_DB_URL ?? '',
  twilioApi: (process.env.TEST_TWILIO_API_URL ?? '').replace(/\/+$/, ''),
};
const noStack = !env.dbUrl || !env.twilioApi;

type SimCall = { to: string; callee: string; status: string; answered_by: string | null;
  turns: { caller: string | null; agent: string }[]; updates: { twiml?: string; status?: string }[]; errors: string[] };

async function eventually<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`${what}: not within ${ms} ms (last: ${JSON.stringify(value)})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const simCalls = async (to: string): Promise<SimCall[]> =>
  (await fetch(`${env.twilioApi}/_sim/calls?to=${encodeURIComponent(to)}`)).json() as Promise<SimCall[]>;

describe.skipIf(noStack)('a campaign end to end (worker, Calls API stand-in, callee simulator)', () => {
  let sql: Sql;
  let campaignId = '';
  const base = `+1555035${String(randomInt(100, 999))}`;
  const phone = { person: `${base}1`, machine: `${base}2`, retried: `${base}3`, dnc: `${base}4`, night: `${base}5` };

  beforeAll(async () => {
    sql = postgres(env.dbUrl, { max: 2, onnotice: () => {} });
    const put = await fetch(`${env.twilioApi}/_sim/callees`, { method: 'PUT', body: JSON.stringify({
      [phone.person]: [{ kind: 'person', lines: ['Yes, this is Maria.', 'Great, thanks. Bye.'] }],
      [phone.machine]: [{ kind: 'machine' }],
      [phone.retried]: [{ kind: 'no-answer' }, { kind: 'person', lines: ['Sorry, I missed you earlier. Bye.'] }],
      [phone.dnc]: [{ kind: 'person' }],
      [phone.night]: [{ kind: 'person' }],
    }) });
    expect(put.status).toBe(200);
    await sql`select public.add_do_not_call(${phone.dnc}, 'team', 'asked not to be called')`;
    const [c] = await sql`insert into campaigns (name, goal, opening, voicemail_action, voicemail_messages,
        max_concurrent, calls_per_minute, max_attempts, retry_minutes)
      values ('Pilot follow-up', 'follow_up', 'Hi {name}, this is the assistant from {business}, following up on your pilot.',
        'leave', ${sql.json({ en: 'Hi {name}, this is {business} about your pilot. Please call us back.',
          es: 'Hola {name}, le llamamos de {business} sobre su prueba. Por favor devuélvanos la llamada.' })},
        3, 60, 2, 1)
      returning id`;
    campaignId = c.id;
    const noon = zoneAtLocalHour(13);
    const [added] = await sql`select public.add_campaign_leads(${campaignId}::uuid, ${sql.json([
      { phone_number: phone.person, name: 'Maria Lopez', time_zone: noon },
      { phone_number: phone.machine, name: 'Diego Ruiz', time_zone: noon, language: 'es' },
      { phone_number: phone.retried, name: 'Pat Kim', time_zone: noon },
      { phone_number: phone.dnc, name: 'Do Not', time_zone: noon },
      { phone_number: phone.night, name: 'Night Owl', time_zone: zoneAtLocalHour(3) },
      { phone_number: 'not a number', name: 'Bad Row' },
    ])}) as r`;
    expect(added.r).toEqual({ added: 5, duplicates: 0,
      invalid: [{ row: 6, reason: 'phone number is not a valid E.164 number' }] });
    await sql`select public.start_campaign(${campaignId}::uuid)`;
  });

  afterAll(async () => {
    if (campaignId) await sql`update campaigns set status = 'paused' where id = ${campaignId}`;
    const like = `${base}%`;
    await sql`delete from campaigns where id = ${campaignId || null}`;
    await sql`delete from do_not_call where phone_number like ${like}`;
    await sql`delete from conversations where to_number like ${like}`;
    await sql`delete from customers where phone_number like ${like}`;
    await sql.end();
  });

  const lead = async (p: string) =>
    (await sql`select status, attempts, waiting_reason, next_attempt_at, answered_by, outcome, last_result
      from campaign_leads where campaign_id = ${campaignId} and phone_number = ${p}`)[0];

  it('reaches a person, who hears the campaign\'s opening by name, and stores the verdict', async () => {
    const row = await eventually('the person reached', () => lead(phone.person), (l) => l.status === 'reached');
    expect(row).toMatchObject({ attempts: 1, answered_by: 'human' });
    const [call] = await simCalls(phone.person);
    expect(call.turns[0].agent).toMatch(/^Hi Maria, this is the assistant from LegacyAI, following up on your pilot\./);
    expect(call.turns.map((t) => t.caller)).toContain('Yes, this is Maria.');
    const [conv] = await sql`select answered_by, direction, campaign_lead_id is not null as linked
      from conversations where to_number = ${phone.person}`;
    expect(conv).toEqual({ answered_by: 'human', direction: 'outbound', linked: true });
  });

  it('leaves the Spanish voicemail after the beep on a machine, then hangs up', async () => {
    const row = await eventually('the voicemail left', () => lead(phone.machine), (l) => l.status === 'voicemail');
    expect(row).toMatchObject({ attempts: 1, answered_by: 'machine_end_beep' });
    const [call] = await simCalls(phone.machine);
    expect(call.updates).toHaveLength(1);
    const heard = call.turns.find((t) => t.caller === '[call updated]')!;
    expect(heard.agent).toBe('Hola Diego, le llamamos de LegacyAI sobre su prueba. Por favor devuélvanos la llamada.');
    expect(call.updates[0].twiml).toMatch(/<Say voice="Polly\.Lupe-Neural" language="es-US">Hola Diego/);
    expect(call.updates[0].twiml).toMatch(/<Hangup\/>/);
    const [msg] = await sql`select m.content from messages m join conversations c on c.id = m.conversation_id
      where c.to_number = ${phone.machine} and m.role = 'agent' order by m.turn desc limit 1`;
    expect(msg.content).toBe(heard.agent);
  });

  it('retries a number nobody answered after the campaign\'s spacing, then reaches them', async () => {
    const waiting = await eventually('the no-answer re-queued', () => lead(phone.retried),
      (l) => l.status === 'queued' && l.attempts === 1);
    expect(waiting).toMatchObject({ waiting_reason: 'retry_no_answer', last_result: 'no-answer' });
    const spacing = new Date(waiting.next_attempt_at).getTime() - Date.now();
    expect(spacing).toBeGreaterThan(30_000); // retry_minutes = 1
    expect(spacing).toBeLessThanOrEqual(60_000);
    // The one shortcut: the minute's spacing is brought forward instead of waited for.
    await sql`update campaign_leads set next_attempt_at = now() where campaign_id = ${campaignId} and phone_number = ${phone.retried}`;
    const row = await eventually('the retry reached', () => lead(phone.retried), (l) => l.status === 'reached');
    expect(row.attempts).toBe(2);
    expect((await simCalls(phone.retried)).map((c) => c.status)).toEqual(['no-answer', 'completed']);
  });

  it('never dials a do-not-call number or a callee outside their calling hours', async () => {
    expect(await lead(phone.dnc)).toMatchObject({ status: 'skipped_dnc', attempts: 0 });
    const night = await lead(phone.night);
    expect(night).toMatchObject({ status: 'queued', attempts: 0, waiting_reason: 'outside_calling_hours' });
    // Deferred to 8 AM in their zone (it is about 3 AM there now): five hours ahead, give or take one.
    const ahead = (new Date(night.next_attempt_at).getTime() - Date.now()) / 3_600_000;
    expect(ahead).toBeGreaterThan(3.9);
    expect(ahead).toBeLessThan(6.1);
    expect(await simCalls(phone.dnc)).toEqual([]);
    expect(await simCalls(phone.night)).toEqual([]);
    const [progress] = await sql`select public.campaign_progress(${campaignId}::uuid) as p`;
    expect(progress.p).toEqual({ calls_placed: 4,
      counts: { reached: 2, voicemail: 1, skipped_dnc: 1, queued: 1 } });
  });
});
