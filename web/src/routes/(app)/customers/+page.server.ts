import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { CUSTOMER_PAGE_SIZE, LEAD_STATUSES, customerFilters, listCustomers } from '$lib/server/queries/customers';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const member = requireMember(locals);
  const filters = customerFilters(url.searchParams);
  const { rows, total } = await asUser(services().sql, member.claims, (tx) => listCustomers(tx, filters));
  return { filters, rows, total, pageSize: CUSTOMER_PAGE_SIZE, statuses: LEAD_STATUSES };
};
