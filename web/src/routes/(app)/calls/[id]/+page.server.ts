import { error } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { callDetail } from '$lib/server/queries/calls';
import type { PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params }) => {
  const member = requireMember(locals);
  if (!uuid.test(params.id)) error(404, 'There is no such call.');
  const detail = await asUser(services().sql, member.claims, (tx) => callDetail(tx, params.id));
  if (!detail) error(404, 'There is no such call.');
  return detail;
};
