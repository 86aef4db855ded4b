/**
 * The success scorecard: `public.scorecard()` computes each figure for a period (the one place
 * they are defined); here the current period and the one before it (the trend) are read beside
 * the admins' targets.
 */
import type { Tx } from '../db.ts';

export const SCORECARD_RANGES = [7, 30, 90] as const;

import type { Target } from '../../scorecard.ts';

export type { Target };

export type Figures = Record<string, number | null>;

export interface Scorecard {
  days: number;
  /** Whether callers get the satisfaction text after a completed call (the business's opt-in). */
  satisfactionSms: boolean;
  current: Figures;
  previous: Figures;
  targets: Target[];
}

/** The last `days` days (to now) and the `days` before them. */
export async function scorecard(tx: Tx, days: number): Promise<Scorecard> {
  const [row] = await tx<{ current: Figures; previous: Figures }[]>`
    select public.scorecard(now() - ${days}::int * interval '1 day', now()) as current,
           public.scorecard(now() - ${2 * days}::int * interval '1 day', now() - ${days}::int * interval '1 day') as previous
  `;
  const targets = await tx<Target[]>`select metric, target::float8 as target, direction from public.scorecard_targets order by metric`;
  const [settings] = await tx<{ on: boolean }[]>`select satisfaction_sms as on from public.automation_settings`;
  const num = (f: Figures) => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v === null ? null : Number(v)]));
  return { days, satisfactionSms: settings?.on ?? false, current: num(row.current), previous: num(row.previous), targets };
}

/** Save the admins' targets (RLS lets only admins); returns how many changed. */
export async function saveTargets(tx: Tx, userId: string, targets: Record<string, number>): Promise<number> {
  let n = 0;
  for (const [metric, target] of Object.entries(targets)) {
    const rows = await tx`
      update public.scorecard_targets set target = ${target}, updated_by = ${userId}, updated_at = now()
      where metric = ${metric} and target is distinct from ${target}::numeric returning metric`;
    n += rows.length;
  }
  return n;
}

/** Turn the satisfaction text on or off (RLS lets only admins update the settings). */
export async function setSatisfactionSms(tx: Tx, on: boolean): Promise<void> {
  await tx`update public.automation_settings set satisfaction_sms = ${on}`;
}
