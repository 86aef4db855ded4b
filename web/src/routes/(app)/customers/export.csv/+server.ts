import { error } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { leadsByIds, leadsCsv } from '$lib/server/queries/pipeline';
import type { RequestHandler } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Leads as CSV: `?id=...` once per lead (one from its page, many from the pipeline's ticks). */
export const GET: RequestHandler = async ({ locals, url }) => {
  const member = requireMember(locals);
  const ids = [...new Set(url.searchParams.getAll('id'))];
  if (ids.length === 0 || ids.length > 500 || !ids.every((id) => uuid.test(id))) error(400, 'Tick the leads to export (at most 500).');
  // The export and its audit entry commit together (the entry holds the count, no personal data).
  const rows = await asUser(services().sql, member.claims, async (tx) => {
    const found = await leadsByIds(tx, ids);
    await tx`select public.audit_event('leads.export', 'customers', null, ${tx.json({ count: found.length } as never)})`;
    return found;
  });
  const day = new Date().toISOString().slice(0, 10);
  return new Response(leadsCsv(rows), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="leads-${rows.length}-${day}.csv"`,
      'cache-control': 'no-store',
    },
  });
};
