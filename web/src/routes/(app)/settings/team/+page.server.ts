import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guard';
import { adminsAfter, listTeam, saveMember } from '$lib/server/queries/team';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const admin = requireAdmin(locals);
  return { team: await asUser(services().sql, admin.claims, (tx) => listTeam(tx)) };
};

export const actions: Actions = {
  save: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const form = new FormReader(await request.formData());
    const isNew = form.raw('new') === '1';
    const key = isNew ? 'new' : form.raw('user_id');
    const user_id = form.text('user_id', { required: true, max: 100, label: 'User id' });
    if (user_id && !/^user_[A-Za-z0-9_]+$/.test(user_id)) form.error('user_id', 'Use the Clerk user id, like user_2abc…');
    const member = {
      user_id: user_id ?? '',
      name: form.text('name', { required: true, max: 120, label: 'Name' }) ?? '',
      email: form.email('email'),
      phone: form.phone('phone', { required: true }) ?? '',
      role: form.oneOf('role', ['admin', 'member'] as const, 'Role') ?? 'member',
      topics: form.list('topics', { max: 20, label: 'Topics' }).map((t) => t.toLowerCase()),
      active: form.checkbox('active'),
    };
    if (!form.ok) return invalid(form, { key });

    return asUser(services().sql, admin.claims, async (tx) => {
      const team = await listTeam(tx);
      const exists = team.some((m) => m.user_id === member.user_id);
      if (isNew && exists) {
        form.error('user_id', 'This user is already on the team.');
        return invalid(form, { key });
      }
      if (exists && (await adminsAfter(tx, member.user_id, member.role, member.active)) === 0) {
        form.error('role', 'The team needs at least one active admin.');
        return invalid(form, { key });
      }
      try {
        await saveMember(tx, member);
      } catch (err) {
        if (pgErrorCode(err) !== '23514') throw err;
        form.error('phone', 'The database refused this phone number.');
        return invalid(form, { key });
      }
      return { key, saved: `${member.name} saved.` };
    });
  },
};
