import { error, fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireAdmin, requireMember } from '$lib/server/guard';
import { SCORECARD_RANGES, saveTargets, scorecard, setSatisfactionSms } from '$lib/server/queries/scorecard';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const member = requireMember(locals);
  const n = Number(url.searchParams.get('days'));
  const days = (SCORECARD_RANGES as readonly number[]).includes(n) ? n : 30;
  const card = await asUser(services().sql, member.claims, (tx) => scorecard(tx, days));
  return { card, ranges: SCORECARD_RANGES, canEdit: member.role === 'admin' };
};

export const actions: Actions = {
  satisfactionSms: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const on = (await request.formData()).get('on') === 'yes';
    await asUser(services().sql, admin.claims, (tx) => setSatisfactionSms(tx, on));
    return { sms: on };
  },
  targets: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const data = await request.formData();
    const targets: Record<string, number> = {};
    const fieldErrors: Record<string, string> = {};
    for (const [key, raw] of data.entries()) {
      if (!key.startsWith('target.')) continue;
      const metric = key.slice('target.'.length);
      if (!/^[a-z0-9_]{1,40}$/.test(metric)) error(400, 'Unknown figure.');
      const value = Number(String(raw).trim());
      if (String(raw).trim() === '' || !Number.isFinite(value) || value < 0 || value > 100_000) {
        fieldErrors[metric] = 'A target is a number from 0 to 100000.';
        continue;
      }
      targets[metric] = value;
    }
    if (Object.keys(fieldErrors).length) return fail(400, { fieldErrors });
    const changed = await asUser(services().sql, admin.claims, (tx) => saveTargets(tx, admin.userId, targets));
    return { saved: changed };
  },
};
