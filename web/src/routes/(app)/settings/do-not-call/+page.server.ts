import { fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireMember } from '$lib/server/guard';
import { addDoNotCall, listDoNotCall, removeDoNotCall } from '$lib/server/queries/privacy';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const member = requireMember(locals);
  return { entries: await asUser(services().sql, member.claims, (tx) => listDoNotCall(tx)) };
};

export const actions: Actions = {
  add: async ({ locals, request }) => {
    const member = requireMember(locals);
    const form = new FormReader(await request.formData());
    const phone = form.phone('phone', { required: true, label: 'Number' });
    const reason = form.text('reason', { max: 500, label: 'Reason' });
    if (!form.ok) return invalid(form);
    const added = await asUser(services().sql, member.claims, (tx) => addDoNotCall(tx, phone!, reason));
    return { added, phone };
  },
  remove: async ({ locals, request }) => {
    const member = requireMember(locals);
    const key = String((await request.formData()).get('phone_key') ?? '');
    if (!/^[0-9a-f]{64}$/.test(key)) return fail(400, { error: 'Unknown entry.' });
    const removed = await asUser(services().sql, member.claims, (tx) => removeDoNotCall(tx, key));
    if (!removed) return fail(400, { error: 'A caller’s own request cannot be taken off the list.' });
    return { removed: true };
  },
};
