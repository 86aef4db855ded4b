import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guard';
import { parseDaySpans } from '$lib/server/hours';
import { DAYS, updateActiveConfig, type WeeklyHours } from '$lib/server/queries/settings';
import type { Actions } from './$types';

export const actions: Actions = {
  hours: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const form = new FormReader(await request.formData());
    const timezone = form.text('timezone', { required: true, max: 64, label: 'Time zone' });
    const hours: WeeklyHours = {};
    for (const day of DAYS) {
      const parsed = parseDaySpans(form.raw(day));
      if ('error' in parsed) form.error(day, parsed.error);
      else if (parsed.spans.length) hours[day] = parsed.spans;
    }
    const holidays = form.list('holidays', { max: 60, label: 'Holidays' });
    const badDay = holidays.find((d) => !/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(Date.parse(d)));
    if (badDay) form.error('holidays', `${badDay} is not a date; write dates like 2026-12-25.`);
    if (!form.ok) return invalid(form);
    try {
      await asUser(services().sql, admin.claims, (tx) => updateActiveConfig(tx, { timezone: timezone!, business_hours: hours, holidays }));
    } catch (err) {
      if (pgErrorCode(err) !== '22023') throw err;
      form.error('timezone', 'Not a time zone name; use one like America/New_York or Europe/London.');
      return invalid(form);
    }
    return { saved: 'Business hours saved.' };
  },
  override: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const form = new FormReader(await request.formData());
    const value = form.oneOf('hours_override', ['hours', 'open', 'closed'] as const, 'Override');
    if (!form.ok) return invalid(form);
    const hours_override = value === 'hours' ? null : value;
    await asUser(services().sql, admin.claims, (tx) => updateActiveConfig(tx, { hours_override }));
    return { saved: value === 'hours' ? 'Following the business hours again.' : `Forced ${value} until you change it back.` };
  },
};
