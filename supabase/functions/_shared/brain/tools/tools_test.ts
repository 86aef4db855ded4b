import { deepStrictEqual as eq, ok } from 'node:assert';
import type { ToolContext } from '../types.ts';
import { toolByName, TOOLS } from './registry.ts';
import { CLOSED_NOW, makeContext, OPEN_NOW } from '../testing/context.ts';
import { fixtureConfig, fixtureServices } from '../testing/fixture.ts';
import { wallClock } from '../hours.ts';

const tc = (over: Parameters<typeof makeContext>[0] = {}): ToolContext => ({
  turn: makeContext(over),
  services: fixtureServices,
});
const run = (name: string, args: Record<string, unknown>, ctx = tc()) => toolByName(name)!.handler(args, ctx);

Deno.test('registry: five tools with JSON schemas, found by name', () => {
  eq(TOOLS.map((t) => t.name), [
    'capture_lead',
    'schedule_callback',
    'transfer_to_human',
    'search_knowledge_base',
    'end_call',
  ]);
  for (const t of TOOLS) {
    eq(t.parameters.type, 'object');
    ok(t.description.length > 20);
    eq(toolByName(t.name), t);
  }
  eq(toolByName('delete_everything'), undefined);
});

Deno.test('capture_lead: normalises what was said and saves it', async () => {
  const out = await run('capture_lead', {
    name: '  Dana Whitfield ',
    company: 'Orchard Dental',
    email: 'dana at orchard dental dot com',
    phone: '(415) 555-0199',
    need: 'AI receptionist',
    timeline: 'next month',
  });
  ok(out.ok);
  eq(out.actions.lead, {
    name: 'Dana Whitfield',
    company: 'Orchard Dental',
    email: 'dana@orcharddental.com',
    phone: '+14155550199',
    need: 'AI receptionist',
    timeline: 'next month',
  });
});

Deno.test('capture_lead: a bad email or phone is refused with a sentence to say; good fields still saved', async () => {
  const bad = await run('capture_lead', { name: 'Dana', email: 'dana at orchard' });
  ok(!bad.ok);
  ok(/email/i.test(bad.result) && bad.result.endsWith('?'));
  eq(bad.actions.lead, { name: 'Dana' });
  const phone = await run('capture_lead', { phone: '555 1234' });
  ok(!phone.ok && /area code/.test(phone.result));
  eq(phone.actions, {});
  const empty = await run('capture_lead', {});
  ok(!empty.ok);
  const name = await run('capture_lead', { name: 'dana@x.com' });
  ok(!name.ok);
});

Deno.test('schedule_callback: caller words resolved in the business time zone, default phone', async () => {
  const out = await run('schedule_callback', { when: 'tomorrow at 2 pm', notes: 'pricing' }); // Tue → Wed
  ok(out.ok, out.result);
  const cb = out.actions.callback!;
  eq(cb.phone, '+15555550999');
  eq(cb.at, '2026-11-25T19:00:00.000Z');
  eq(cb.notes, 'pricing');
  ok(/tomorrow, Wednesday, at 2 PM/.test(out.result));
});

Deno.test('schedule_callback: closed days keep the time; after hours moves to the next opening; never past', async () => {
  const holiday = await run('schedule_callback', { when: 'Thursday at 2 pm' }); // Thanksgiving
  eq(holiday.actions.callback!.at, '2026-11-27T19:00:00.000Z');
  ok(/closed that day/.test(holiday.result));
  const evening = await run('schedule_callback', { when: 'tomorrow at 7 pm' });
  eq(evening.actions.callback!.at, '2026-11-27T14:00:00.000Z'); // Wed 7 PM → Fri 9 AM (Thursday is a holiday)
  ok(/outside our business hours/.test(evening.result));
  const past = await run('schedule_callback', { when: '2026-11-01T15:00:00Z' });
  ok(new Date(past.actions.callback!.at).getTime() > OPEN_NOW.getTime());
  const w = wallClock(new Date(past.actions.callback!.at), 'America/New_York');
  ok(w.hour >= 9 && w.hour < 18);
  const morning = await run('schedule_callback', { when: 'Monday morning' });
  eq(morning.actions.callback!.at, '2026-11-30T14:00:00.000Z'); // 9 AM, not 6 AM
});

Deno.test('schedule_callback: another number, or a problem the agent can say', async () => {
  const other = await run('schedule_callback', {
    when: 'Friday at 11',
    phone: 'five five five two one two three four five six',
  });
  eq(other.actions.callback!.phone, '+15552123456');
  const vague = await run('schedule_callback', { when: 'whenever' });
  ok(!vague.ok && /day and time/.test(vague.result));
  eq(vague.actions, {});
  const anonymous = await run(
    'schedule_callback',
    { when: 'tomorrow at 2' },
    tc({ callerNumber: 'anonymous' }),
  );
  ok(!anonymous.ok && /number/.test(anonymous.result));
});

Deno.test('transfer_to_human: routes by topic to the team member, numbers only from the team', async () => {
  const cases: [string, string][] = [
    ['billing', '+15550100003'],
    ['double charge on my invoice', '+15550100003'],
    ['cancellation', '+15550100003'],
    ['integrations', '+15550100002'],
    ['setup problem', '+15550100002'],
    ['pricing', '+15550100001'],
    ['partnerships', '+15550100001'],
    ['', '+15550100001'],
    ['something else entirely', '+15550100001'],
  ];
  for (const [topic, phone] of cases) {
    const out = await run('transfer_to_human', { topic, reason: 'caller asked' });
    ok(out.ok, topic);
    eq(out.actions.transfer?.phone, phone, topic);
  }
  const named = await run('transfer_to_human', {
    person: 'Jordan',
    reason: 'asked for Jordan',
    phone: '+19995551234',
  });
  eq(named.actions.transfer?.phone, '+15550100002');
});

Deno.test('transfer_to_human: after hours leaves a message and offers a callback instead', async () => {
  const out = await run(
    'transfer_to_human',
    { topic: 'billing', reason: 'double charge' },
    tc({ now: CLOSED_NOW }),
  );
  ok(!out.ok);
  eq(out.actions.transfer, undefined);
  ok(out.actions.message?.text.includes('Sam Patel'));
  ok(/call you back/.test(out.result) && /Monday to Friday/.test(out.result));
  ok(!/connecting|transferring/i.test(out.result));
});

Deno.test('transfer_to_human: inactive members are skipped; no one left means a message', async () => {
  const team = makeContext().team.map((m) => ({ ...m, active: m.user_id !== 'user_sam_patel' }));
  const out = await run('transfer_to_human', { topic: 'billing', reason: 'x' }, tc({ team }));
  eq(out.actions.transfer?.phone, '+15550100001');
  const nobody = await run('transfer_to_human', { reason: 'x' }, tc({ team: [] }));
  ok(!nobody.ok && nobody.actions.message);
  const cfg = fixtureConfig({ default_transfer_user_id: 'user_jordan_lee' });
  const dflt = await run('transfer_to_human', { reason: 'x' }, tc({ config: cfg }));
  eq(dflt.actions.transfer?.phone, '+15550100002');
});

Deno.test('search_knowledge_base: articles from the services, or a sentence when none', async () => {
  const out = await run('search_knowledge_base', { query: 'how much is the audit' });
  ok(out.ok && /\$500/.test(out.result));
  const none = await run('search_knowledge_base', { query: 'zzzz qqqq' });
  ok(!none.ok);
  eq(none.actions, {});
});

Deno.test('end_call: hangs up', async () => {
  const out = await run('end_call', { reason: 'bye' });
  eq(out.actions, { hangup: true });
});
