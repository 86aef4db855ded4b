import { fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { LEAD_STATUSES, customerFilters } from '$lib/server/queries/customers';
import { PIPELINE_PAGE_SIZE, assignLeads, listLeads, moveLeads, stageSummary } from '$lib/server/queries/pipeline';
import { listTeam } from '$lib/server/queries/team';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_BULK = 500;

export const load: PageServerLoad = async ({ locals, url }) => {
  const member = requireMember(locals);
  const filters = { ...customerFilters(url.searchParams), owner: (url.searchParams.get('owner') ?? '').slice(0, 200) };
  return asUser(services().sql, member.claims, async (tx) => {
    const { rows, total } = await listLeads(tx, filters);
    return {
      filters, rows, total, pageSize: PIPELINE_PAGE_SIZE, statuses: LEAD_STATUSES,
      stages: await stageSummary(tx),
      team: (await listTeam(tx)).filter((m) => m.active).map((m) => ({ user_id: m.user_id, name: m.name })),
    };
  });
};

/** The checked leads (or the one posted), or a form error. */
function chosenIds(data: FormData): string[] | null {
  const ids = [...new Set(data.getAll('id').map(String))];
  return ids.length > 0 && ids.length <= MAX_BULK && ids.every((id) => uuid.test(id)) ? ids : null;
}

export const actions: Actions = {
  move: async ({ locals, request }) => {
    const member = requireMember(locals);
    const data = await request.formData();
    const ids = chosenIds(data);
    const status = String(data.get('status') ?? '');
    if (!ids) return fail(400, { message: 'Tick at least one lead first.' });
    if (!(LEAD_STATUSES as readonly string[]).includes(status)) return fail(400, { message: 'Pick a status to move them to.' });
    const moved = await asUser(services().sql, member.claims, (tx) => moveLeads(tx, ids, status));
    return { message: `${moved} ${moved === 1 ? 'lead' : 'leads'} moved to ${status}.`, done: true };
  },
  assign: async ({ locals, request }) => {
    const member = requireMember(locals);
    const data = await request.formData();
    const ids = chosenIds(data);
    const raw = String(data.get('owner') ?? '');
    if (!ids) return fail(400, { message: 'Tick at least one lead first.' });
    const owner = raw === 'me' ? member.userId : raw === 'none' ? null : raw;
    try {
      const n = await asUser(services().sql, member.claims, (tx) => assignLeads(tx, ids, owner));
      return { message: `${n} ${n === 1 ? 'lead' : 'leads'} ${owner ? 'assigned' : 'unassigned'}.`, done: true };
    } catch (err) {
      if (pgErrorCode(err) === '22023') return fail(400, { message: 'Pick a team member to assign them to.' });
      throw err;
    }
  },
};
