import { error } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireMember } from '$lib/server/guard';
import { LEAD_STATUSES, callNow, customerDetail, updateCustomer } from '$lib/server/queries/customers';
import { statusHistory } from '$lib/server/queries/pipeline';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, params }) => {
  const member = requireMember(locals);
  if (!uuid.test(params.id)) error(404, 'There is no such customer.');
  const found = await asUser(services().sql, member.claims, async (tx) => {
    const detail = await customerDetail(tx, params.id);
    return detail && { ...detail, history: await statusHistory(tx, params.id) };
  });
  if (!found) error(404, 'There is no such customer.');
  return { ...found, statuses: LEAD_STATUSES };
};

export const actions: Actions = {
  save: async ({ locals, params, request }) => {
    const member = requireMember(locals);
    const form = new FormReader(await request.formData());
    const edit = {
      name: form.text('name', { max: 120, label: 'Name' }),
      company: form.text('company', { max: 120, label: 'Company' }),
      email: form.email('email'),
      need: form.text('need', { max: 500, label: 'Need' }),
      timeline: form.text('timeline', { max: 120, label: 'Timeline' }),
      lead_status: form.oneOf('lead_status', LEAD_STATUSES, 'Lead status') ?? 'new',
      lead_score: form.int('lead_score', { min: 0, max: 100, label: 'Lead score' }),
      notes: form.text('notes', { max: 4000, label: 'Notes' }),
      deal_value_usd: form.raw('deal_value_usd').trim() === '' ? null : form.decimal('deal_value_usd', { min: 0, max: 1e9, label: 'Deal value' }),
    };
    if (!form.ok) return invalid(form);
    try {
      const saved = await asUser(services().sql, member.claims, (tx) => updateCustomer(tx, params.id, edit));
      if (!saved) error(404, 'There is no such customer.');
    } catch (err) {
      if (pgErrorCode(err) !== '23514') throw err;
      form.error('form', 'The database refused these values; check each field.');
      return invalid(form);
    }
    return { saved: true };
  },
  callNow: async ({ locals, params }) => {
    const member = requireMember(locals);
    try {
      const task = await asUser(services().sql, member.claims, (tx) => callNow(tx, params.id));
      return { queued: task };
    } catch (err) {
      if (pgErrorCode(err) === 'P0002') error(404, 'There is no such customer.');
      throw err;
    }
  },
};
