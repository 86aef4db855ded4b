import { error } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireAdmin } from '$lib/server/guard';
import { activeConfig } from '$lib/server/queries/settings';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals }) => {
  const admin = requireAdmin(locals);
  const config = await asUser(services().sql, admin.claims, (tx) => activeConfig(tx));
  if (!config) error(404, 'There is no active agent configuration. Run the seed (supabase/seed.sql) or insert one.');
  return { config };
};
