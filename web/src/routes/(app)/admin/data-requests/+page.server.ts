import { fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { requireAdmin } from '$lib/server/guard';
import { dataRequests, decideDataRequest } from '$lib/server/queries/privacy';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const admin = requireAdmin(locals);
  return { requests: await asUser(services().sql, admin.claims, (tx) => dataRequests(tx)) };
};

async function decide(locals: App.Locals, request: Request, approve: boolean) {
  const admin = requireAdmin(locals);
  const id = String((await request.formData()).get('id') ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(id)) return fail(400, { error: 'Unknown request.' });
  try {
    const r = await asUser(services().sql, admin.claims, (tx) => decideDataRequest(tx, id, approve));
    return { decided: r };
  } catch (err) {
    if (pgErrorCode(err) === '22023' || pgErrorCode(err) === 'P0002') {
      return fail(400, { error: 'That request was already decided.' });
    }
    throw err;
  }
}

export const actions: Actions = {
  approve: ({ locals, request }) => decide(locals, request, true),
  reject: ({ locals, request }) => decide(locals, request, false),
};
