import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireAdmin } from '$lib/server/guard';
import { auditEntries } from '$lib/server/queries/privacy';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const admin = requireAdmin(locals);
  return { entries: await asUser(services().sql, admin.claims, (tx) => auditEntries(tx)) };
};
