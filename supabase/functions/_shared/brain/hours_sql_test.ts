/**
 * Opening hours are decided in TypeScript (the turn, the fallback that answers while the database
 * is down, callback placement) and in SQL (when a message is due, the analytics). This test holds
 * the two to one rule: for schedules with split days, a "24:00" close, holidays and two time
 * zones, across daylight-saving changes, both say the same about "open now?" and "opens when?".
 */
import { assertEquals } from '../testing/assert.ts';
import { needsDb, testSql } from '../testing/harness.ts';
import { isWithinHours, nextOpening } from './hours.ts';
import type { AgentConfig } from './types.ts';

const SCHEDULES: Pick<AgentConfig, 'business_hours' | 'timezone' | 'holidays'>[] = [
  { timezone: 'America/New_York', holidays: ['2026-11-26'],
    business_hours: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']],
      thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] } },
  { timezone: 'Europe/Madrid', holidays: ['2026-10-12', '2026-03-30'],
    business_hours: { mon: [['08:30', '14:00'], ['16:00', '19:30']], wed: [['10:00', '24:00']], sat: [['10:00', '13:15']] } },
];

/** Every 53 minutes over two windows that hold a daylight-saving change in each zone. */
function instants(): Date[] {
  const out: Date[] = [];
  for (const start of ['2026-03-05T00:00:00Z', '2026-10-22T00:00:00Z']) {
    for (let t = Date.parse(start); t < Date.parse(start) + 16 * 86_400_000; t += 53 * 60_000) out.push(new Date(t));
  }
  return out;
}

Deno.test({ name: 'opening hours: TypeScript and SQL agree on open-now and the next opening', ...needsDb, fn: async () => {
  const db = testSql();
  try {
    const [base] = await db<{ c: AgentConfig }[]>`select to_jsonb(a) as c from agent_configs a where is_active`;
    for (const s of SCHEDULES) {
      const config = { ...base!.c, ...s, hours_override: null } as AgentConfig;
      const at = instants();
      const rows = await db<{ open: boolean; next: Date }[]>`
        select public.is_within_business_hours(c, t) as open, public.next_business_opening(c, t) as next
        from jsonb_populate_record(null::public.agent_configs, ${db.json(config as never)}) as c,
             unnest(${at.map((d) => d.toISOString())}::timestamptz[]) with ordinality as u(t, i)
        order by i`;
      const disagree = at.flatMap((t, i) => {
        const ts = { open: isWithinHours(config, t), next: nextOpening(config, t).toISOString() };
        const sql = { open: rows[i]!.open, next: rows[i]!.next.toISOString() };
        return ts.open === sql.open && ts.next === sql.next ? [] : [{ at: t.toISOString(), zone: s.timezone, ts, sql }];
      });
      assertEquals(disagree.slice(0, 5), [], `${disagree.length} of ${at.length} instants disagree in ${s.timezone}`);
    }
  } finally {
    await db.end();
  }
} });
