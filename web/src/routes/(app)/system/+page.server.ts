import { error, fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { requireAdmin } from '$lib/server/guard';
import { deadJobs, jobCounts, retryJob, tableExists } from '$lib/server/queries/notifications';
import type { Actions, PageServerLoad } from './$types';

/** System: the internals an admin looks after (the job queue and its dead letters). */
export const load: PageServerLoad = async ({ locals }) => {
  const member = requireAdmin(locals);
  return asUser(services().sql, member.claims, async (tx) => {
    const available = await tableExists(tx, 'jobs');
    return {
      available,
      counts: available ? await jobCounts(tx) : [],
      dead: available ? await deadJobs(tx) : [],
      canRetry: member.role === 'admin',
    };
  });
};

export const actions: Actions = {
  retry: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const raw = String((await request.formData()).get('id') ?? '');
    if (!/^\d{1,15}$/.test(raw)) error(400, 'No such job.');
    try {
      await asUser(services().sql, admin.claims, (tx) => retryJob(tx, Number(raw)));
    } catch (err) {
      if (pgErrorCode(err) === 'P0002') return fail(409, { jobId: Number(raw), message: 'This job is no longer dead (already retried?).' });
      throw err;
    }
    return { jobId: Number(raw), retried: true };
  },
};
