/**
 * `npm run demo:history`: 30 days of calls for a newcomer's charts, played through the real call
 * path. Each planned call is placed by the simulator against the running stack's functions (signed
 * webhooks, the real agent, the real SQL), with the business hours of its planned time; then the
 * call's rows are moved to that time (the history's clock), and each day's analytics rollup is
 * refreshed. Callers use +1555077NNNN, so a re-run replaces the history instead of doubling it.
 *   --days N (30)  --per-day N (6 on a weekday)  --seed N (1)  --profile dev|test  --remove (only delete)
 *   --today YYYY-MM-DD (the history's clock: the last day it fills; default today in the business's zone)
 */
import postgres from 'postgres';
import { profileFrom } from '../stack/config.ts';
import { resolveTarget } from '../sim/target.ts';
import { assertLocalDatabase } from '../sim/scenario-db.ts';
import { playScenario } from '../sim/scenario.ts';
import { HISTORY_NUMBER_PREFIX, planHistory } from './plan.ts';
import { moveCallTo, refreshDays, removeHistory } from './clock.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) throw new Error(`--${name} needs a whole number`);
  return v;
}

/** `--today YYYY-MM-DD`: the day the history ends on; not after the business's today (calls cannot be in the future). */
function clockOption(now: string): string {
  const i = process.argv.indexOf('--today');
  if (i < 0) return now;
  const day = String(process.argv[i + 1] ?? '');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`))) throw new Error('--today needs a date, YYYY-MM-DD');
  if (day > now) throw new Error(`--today ${day} is after the business's today (${now}): a history cannot hold future calls`);
  return day;
}

async function main(): Promise<void> {
  const profile = profileFrom(process.argv);
  const target = await resolveTarget(profile);
  if (!target.functionsUp) throw new Error(`the ${profile} stack's functions are not up: npm run stack:up`);
  assertLocalDatabase(target.dbUrl, [target.stackDbUrl!]);
  const sql = postgres(target.dbUrl, { max: 2, onnotice: () => {} });
  try {
    const removed = await removeHistory(sql, HISTORY_NUMBER_PREFIX);
    if (removed) console.log(`removed ${removed} earlier history calls`);
    if (process.argv.includes('--remove')) return;
    const [{ now }] = await sql<{ now: string }[]>`select to_char(now() at time zone public.business_timezone(), 'YYYY-MM-DD') as now`;
    const today = clockOption(now);
    const plan = planHistory({ today, days: Math.min(option('days', 30), 90), perWeekday: option('per-day', 6), seed: option('seed', 1) });
    console.log(`playing ${plan.length} calls over ${option('days', 30)} days through ${target.functionsUrl}`);
    const outcomes: Record<string, number> = {};
    let failed = 0;
    for (const [i, call] of plan.entries()) {
      const [{ at, open }] = await sql<{ at: Date; open: boolean }[]>`
        select t.at, coalesce(public.is_within_business_hours(
                 jsonb_populate_record(null::public.agent_configs, to_jsonb(a) - 'hours_override'), t.at), false) as open
        from (select (${`${call.day} ${call.hour}:${call.minute}`}::timestamp at time zone public.business_timezone()) as at) t
        left join public.agent_configs a on a.is_active`;
      const scenario = { ...call.scenario, given: { ...call.scenario.given, hours: open ? 'open' as const : 'closed' as const } };
      const result = await playScenario(scenario, target, { sql });
      if (!result.conversation_id) {
        failed += 1;
        continue;
      }
      const outcome = await moveCallTo(sql, result.conversation_id, at);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
      if ((i + 1) % 10 === 0) console.log(`  ${i + 1}/${plan.length} calls`);
    }
    await refreshDays(sql, [...new Set(plan.map((c) => c.day))]);
    console.log(JSON.stringify({ calls: plan.length - failed, failed, outcomes }));
    if (failed) process.exitCode = 1;
  } finally {
    await sql.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
