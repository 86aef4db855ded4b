/** The figures the live feed keeps current: the home tiles and the navigation badges (under RLS). */
import type { Tx } from '../db.ts';
import { todayFigures } from './calls.ts';
import { unreadCount } from './notifications.ts';
import type { LiveMetrics } from '../../types.ts';

export type { LiveMetrics };

/**
 * Today's tiles (business day), unread notifications, and tasks waiting for a person: open
 * (pending, or failed after the worker's attempts) and at or past their time.
 */
export async function liveMetrics(tx: Tx): Promise<LiveMetrics> {
  const t = await todayFigures(tx);
  const [due] = await tx<{ n: number }[]>`
    select count(*)::int8 as n from public.scheduled_tasks
    where status in ('pending', 'failed') and scheduled_for <= now()
  `;
  return {
    tiles: {
      calls_today: t.calls,
      in_progress: t.live,
      escalated: t.escalations,
      leads_today: t.leads,
      callbacks_due: t.callbacks_due,
      avg_duration: t.avg_duration_seconds,
      ai_cost: t.cost_usd,
    },
    badges: { notifications: await unreadCount(tx), callbacks_due_now: due.n },
  };
}
