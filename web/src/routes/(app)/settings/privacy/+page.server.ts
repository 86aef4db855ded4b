import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guard';
import {
  privacySettings, RECORDING_MODES, RETENTION_MODES, updatePrivacySettings, type RecordingMode, type RetentionMode,
} from '$lib/server/queries/privacy';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const admin = requireAdmin(locals);
  return { privacy: await asUser(services().sql, admin.claims, (tx) => privacySettings(tx)) };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const form = new FormReader(await request.formData());
    const recording = form.raw('recording_mode');
    const retention = form.raw('retention_mode');
    if (!(RECORDING_MODES as readonly string[]).includes(recording)) form.error('recording_mode', 'Pick a recording mode.');
    if (!(RETENTION_MODES as readonly string[]).includes(retention)) form.error('retention_mode', 'Pick a retention mode.');
    const days = form.int('retention_days', { min: 1, max: 3650, required: true, label: 'Retention period' });
    if (!form.ok) return invalid(form);
    await asUser(services().sql, admin.claims, (tx) => updatePrivacySettings(tx, {
      ai_disclosure: form.checkbox('ai_disclosure'),
      recording_mode: recording as RecordingMode,
      retention_mode: retention as RetentionMode,
      retention_days: days!,
    }));
    return { saved: true };
  },
};
