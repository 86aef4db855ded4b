/**
 * A whole campaign against a running local stack and its Calls API stand-in (tools/sim/callee):
 * N leads with a realistic mix of callees (people, answering machines in English and Spanish,
 * no answer then a person, busy lines, a fax), two numbers on the do-not-call list and a few leads
 * whose local time is 3 AM. It waits until every lead that may be called has settled, then prints
 * the time taken, the calls placed, the outcomes and a check that nothing was dialled twice.
 *
 *   npm run campaign:run -- [--profile dev|test] [--leads 50] [--concurrency 5] [--per-minute 60]
 */
import { parseArgs } from 'node:util';
import { randomInt } from 'node:crypto';
import postgres from 'postgres';
import { stackLayout, type Profile } from '../stack/config.ts';
import type { Callee } from './callee/behaviour.ts';

const { values } = parseArgs({ options: {
  profile: { type: 'string', default: 'dev' }, leads: { type: 'string', default: '50' },
  concurrency: { type: 'string', default: '5' }, 'per-minute': { type: 'string', default: '60' },
  json: { type: 'boolean', default: false },
} });
const layout = stackLayout(values.profile as Profile);
const api = `http://127.0.0.1:${layout.twilioApiPort}`;
const count = Number(values.leads);
if (!Number.isInteger(count) || count < 10 || count > 1000) throw new Error('--leads must be 10 to 1000');

/** An Etc/GMT zone whose local hour is `hour` now. */
function zoneAt(hour: number): string {
  let k = hour - new Date().getUTCHours();
  if (k > 14) k -= 24;
  if (k < -12) k += 24;
  return k === 0 ? 'Etc/GMT' : k > 0 ? `Etc/GMT-${k}` : `Etc/GMT+${-k}`;
}

type Plan = { phone: string; name: string; language: 'en' | 'es'; zone: string; callees: Callee[]; kind: string };

function plan(n: number): Plan[] {
  const base = `+1555036${String(randomInt(10, 99))}`;
  const day = zoneAt(13);
  return Array.from({ length: n }, (_, i) => {
    const phone = `${base}${String(i).padStart(3, '0')}`;
    const r = i % 20;
    const p = (kind: string, callees: Callee[], extra: Partial<Plan> = {}): Plan =>
      ({ phone, name: `Lead ${i + 1}`, language: 'en', zone: day, callees, kind, ...extra });
    if (i === 3 || i === 17) return p('do-not-call', [{ kind: 'person' }]);
    if (i === 5 || i === 25 || i === 45) return p('3 AM local', [{ kind: 'person' }], { zone: zoneAt(3) });
    if (r < 9) return p('person', [{ kind: 'person' }]);
    if (r < 12) return p('machine', [{ kind: 'machine' }]);
    if (r < 14) return p('machine (es)', [{ kind: 'machine' }], { language: 'es' });
    if (r < 17) return p('no answer, then a person', [{ kind: 'no-answer' }, { kind: 'person' }]);
    if (r < 19) return p('busy', [{ kind: 'busy' }]);
    return p('fax', [{ kind: 'fax' }]);
  });
}

type SimCall = { to: string; status: string; placed_at: string; ended_at: string | null; answered_by: string | null };

async function main() {
  const sql = postgres(layout.dbUrl, { max: 2, onnotice: () => {} });
  const leads = plan(count);
  const put = await fetch(`${api}/_sim/callees`, { method: 'PUT',
    body: JSON.stringify(Object.fromEntries(leads.map((l) => [l.phone, l.callees]))) });
  if (!put.ok) throw new Error(`the Calls API stand-in at ${api} refused the callees (is the stack up without a real Twilio account?)`);
  for (const l of leads.filter((l) => l.kind === 'do-not-call')) {
    await sql`select public.add_do_not_call(${l.phone}, 'team', 'campaign run')`;
  }
  const [c] = await sql`insert into campaigns (name, goal, opening, voicemail_action, voicemail_messages, max_concurrent,
      calls_per_minute, max_attempts, retry_minutes)
    values (${`Campaign run ${new Date().toISOString()}`}, 'follow_up',
      'Hi {name}, this is the assistant from {business}, following up on your enquiry.', 'leave',
      ${sql.json({ en: 'Hi {name}, this is {business} following up on your enquiry. Please call us back.',
        es: 'Hola {name}, le llamamos de {business} sobre su consulta. Por favor devuélvanos la llamada.' })},
      ${Number(values.concurrency)}, ${Number(values['per-minute'])}, 2, 1)
    returning id`;
  await sql`select public.add_campaign_leads(${c.id}::uuid, ${sql.json(leads.map((l) =>
    ({ phone_number: l.phone, name: l.name, language: l.language, time_zone: l.zone })))})`;
  const started = Date.now();
  await sql`select public.start_campaign(${c.id}::uuid)`;

  // Settled: nothing calling, and nothing queued except leads waiting for their calling hours.
  for (;;) {
    const [{ busy }] = await sql`select count(*)::int as busy from campaign_leads where campaign_id = ${c.id}
      and (status = 'calling' or (status = 'queued' and waiting_reason is distinct from 'outside_calling_hours'))`;
    if (busy === 0) break;
    if (Date.now() - started > 10 * 60_000) throw new Error('the campaign did not settle within 10 minutes');
    await new Promise((r) => setTimeout(r, 500));
  }
  const seconds = (Date.now() - started) / 1000;
  await sql`select public.pause_campaign(${c.id}::uuid)`;

  const rows = await sql<{ phone_number: string; status: string; attempts: number; answered_by: string | null }[]>`
    select phone_number, status, attempts, answered_by from campaign_leads where campaign_id = ${c.id}`;
  const calls = (await (await fetch(`${api}/_sim/calls`)).json() as SimCall[]).filter((x) => leads.some((l) => l.phone === x.to));
  const byNumber = new Map<string, SimCall[]>();
  for (const call of calls) byNumber.set(call.to, [...(byNumber.get(call.to) ?? []), call]);
  const problems: string[] = [];
  let overlapping = 0;
  for (const row of rows) {
    const placed = byNumber.get(row.phone_number) ?? [];
    if (placed.length !== row.attempts) problems.push(`${row.phone_number}: ${placed.length} calls for ${row.attempts} attempts`);
    const sorted = [...placed].sort((a, b) => a.placed_at.localeCompare(b.placed_at));
    for (let i = 1; i < sorted.length; i++) {
      if (!sorted[i - 1].ended_at || sorted[i - 1].ended_at! > sorted[i].placed_at) {
        overlapping++;
        problems.push(`${row.phone_number}: dialled again while a call was on`);
      }
    }
  }
  for (const l of leads.filter((l) => l.kind === 'do-not-call' || l.kind === '3 AM local')) {
    if (byNumber.has(l.phone)) problems.push(`${l.phone} (${l.kind}) was dialled`);
  }
  const tally = (xs: (string | null)[]) => Object.fromEntries([...new Set(xs)].map((x) => [x ?? 'none', xs.filter((y) => y === x).length]));
  const report = {
    leads: count, seconds: Math.round(seconds * 10) / 10, calls_placed: calls.length,
    lead_status: tally(rows.map((r) => r.status)), answered_by: tally(rows.map((r) => r.answered_by)),
    planned: tally(leads.map((l) => l.kind)), most_calls_to_one_number: Math.max(0, ...[...byNumber.values()].map((x) => x.length)),
    dialled_while_a_call_was_on: overlapping, problems,
  };
  console.log(values.json ? JSON.stringify(report) : JSON.stringify(report, null, 2));
  await sql.end();
  process.exit(problems.length ? 1 : 0);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
