import { fail, redirect } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireAdmin, requireMember } from '$lib/server/guard';
import { createCampaign, listCampaigns, parseLeadCsv } from '$lib/server/queries/campaigns';
import type { Actions, PageServerLoad } from './$types';

const GOALS = ['follow_up', 'qualify', 'meeting_reminder'] as const;
const STATUSES = ['new', 'contacted', 'qualified', 'customer', 'lost'] as const;

export const load: PageServerLoad = async ({ locals }) => {
  const member = requireMember(locals);
  const campaigns = await asUser(services().sql, member.claims, (tx) => listCampaigns(tx));
  return { campaigns, goals: GOALS, statuses: STATUSES };
};

export const actions: Actions = {
  create: async ({ locals, request }) => {
    const member = requireAdmin(locals);
    const data = await request.formData();
    const form = new FormReader(data);
    const c = {
      name: form.text('name', { required: true, max: 120, label: 'Name' }),
      goal: form.oneOf('goal', GOALS, 'Goal'),
      opening: form.text('opening', { required: true, max: 600, label: 'Opening' }),
      instructions: form.text('instructions', { max: 4000, label: 'Instructions' }) ?? '',
      voicemailAction: form.oneOf('voicemail_action', ['leave', 'hang_up'] as const, 'On a machine'),
      voicemailEn: form.text('voicemail_en', { max: 600, label: 'Voicemail (English)' }) ?? '',
      voicemailEs: form.text('voicemail_es', { max: 600, label: 'Voicemail (Spanish)' }) ?? '',
      maxConcurrent: form.int('max_concurrent', { min: 1, max: 20, required: true, label: 'Calls at once' }),
      callsPerMinute: form.int('calls_per_minute', { min: 1, max: 60, required: true, label: 'Calls per minute' }),
      maxAttempts: form.int('max_attempts', { min: 1, max: 10, required: true, label: 'Attempts' }),
      retryMinutes: form.int('retry_minutes', { min: 1, max: 10080, required: true, label: 'Minutes between attempts' }),
    };
    if (c.voicemailAction === 'leave' && !c.voicemailEn) form.error('voicemail_en', 'Write the voicemail, or choose to hang up.');
    const statuses = data.getAll('lead_status').map(String).filter((s) => (STATUSES as readonly string[]).includes(s));
    const minScore = form.int('min_score', { min: 0, max: 100, label: 'Minimum score' });
    const csv = parseLeadCsv(form.raw('csv'));
    if (statuses.length === 0 && csv.length === 0) form.error('csv', 'Pick lead statuses or paste a CSV with a header line.');
    if (!form.ok) return invalid(form);
    try {
      const created = await asUser(services().sql, member.claims, (tx) =>
        createCampaign(tx, c as Parameters<typeof createCampaign>[1], { statuses, minScore, csv }));
      redirect(303, `/campaigns/${created.id}?added=${encodeURIComponent(JSON.stringify(created.reports))}`);
    } catch (err) {
      if (pgErrorCode(err) === '42501') return fail(403, { message: 'Only admins can create campaigns.' });
      if (pgErrorCode(err) === '23514') return fail(400, { message: 'Some campaign settings are out of range.' });
      throw err;
    }
  },
};
