import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { OUTCOMES, PAGE_SIZE, callFilters, searchCalls } from '$lib/server/queries/calls';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url, depends }) => {
  const member = requireMember(locals);
  depends('app:calls');
  const filters = callFilters(url.searchParams);
  const { rows, total } = await asUser(services().sql, member.claims, (tx) => searchCalls(tx, filters));
  return { filters, rows, total, pageSize: PAGE_SIZE, outcomes: OUTCOMES };
};
