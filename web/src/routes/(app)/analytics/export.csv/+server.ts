import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { dailyFigures, rangeDays, toCsv } from '$lib/server/queries/analytics';
import type { RequestHandler } from './$types';

/** The analytics page's daily figures as a CSV download. */
export const GET: RequestHandler = async ({ locals, url }) => {
  const member = requireMember(locals);
  const days = rangeDays(url.searchParams);
  const rows = await asUser(services().sql, member.claims, async (tx) => {
    const figures = await dailyFigures(tx, days);
    await tx`select public.audit_event('analytics.export', null, null, ${tx.json({ days } as never)})`;
    return figures;
  });
  const last = rows.at(-1)?.day ?? 'today';
  return new Response(toCsv(rows), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="call-analytics-${days}d-to-${last}.csv"`,
      'cache-control': 'no-store',
    },
  });
};
