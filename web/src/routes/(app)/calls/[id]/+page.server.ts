import { error, fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { callDetail } from '$lib/server/queries/calls';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params }) => {
  const member = requireMember(locals);
  if (!uuid.test(params.id)) error(404, 'There is no such call.');
  const detail = await asUser(services().sql, member.claims, (tx) => callDetail(tx, params.id));
  if (!detail) error(404, 'There is no such call.');
  return detail;
};

const VERDICTS = ['needed', 'not_needed', 'missed'] as const;

export const actions: Actions = {
  /** The team's verdict on the escalation, for the scorecard (the database checks it fits the call). */
  review: async ({ locals, params, request }) => {
    const member = requireMember(locals);
    const verdict = String((await request.formData()).get('verdict') ?? '');
    if (!uuid.test(params.id) || !(VERDICTS as readonly string[]).includes(verdict)) return fail(400, { message: 'Pick a verdict.' });
    try {
      await asUser(services().sql, member.claims, (tx) => tx`select public.review_escalation(${params.id}::uuid, ${verdict})`);
    } catch (err) {
      if (pgErrorCode(err) === '22023') return fail(400, { message: 'That verdict does not fit this call.' });
      if (pgErrorCode(err) === 'P0002') error(404, 'There is no such call.');
      throw err;
    }
    return { reviewed: verdict };
  },
};
