import { error, fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { requireAdmin, requireMember } from '$lib/server/guard';
import { campaignDetail } from '$lib/server/queries/campaigns';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params, url }) => {
  const member = requireMember(locals);
  if (!uuid.test(params.id)) error(404, 'No such campaign.');
  const detail = await asUser(services().sql, member.claims, (tx) => campaignDetail(tx, params.id));
  if (!detail) error(404, 'No such campaign.');
  let added: unknown = null;
  try {
    added = JSON.parse(url.searchParams.get('added') ?? 'null');
  } catch { /* a hand-edited link: show nothing */ }
  return { ...detail, added };
};

async function change(locals: App.Locals, id: string, fn: 'start_campaign' | 'pause_campaign') {
  const member = requireAdmin(locals);
  if (!uuid.test(id)) error(404, 'No such campaign.');
  try {
    await asUser(services().sql, member.claims, (tx) =>
      fn === 'start_campaign' ? tx`select public.start_campaign(${id}::uuid)` : tx`select public.pause_campaign(${id}::uuid)`);
    return { done: fn === 'start_campaign' ? 'Started.' : 'Paused.' };
  } catch (err) {
    if (pgErrorCode(err) === 'P0002') return fail(409, { message: 'This campaign has finished.' });
    if (pgErrorCode(err) === '42501') return fail(403, { message: 'Only admins can run campaigns.' });
    throw err;
  }
}

export const actions: Actions = {
  start: ({ locals, params }) => change(locals, params.id, 'start_campaign'),
  pause: ({ locals, params }) => change(locals, params.id, 'pause_campaign'),
};
