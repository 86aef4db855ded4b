import { error, fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser, pgErrorCode } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { NOTIFICATION_KINDS, listNotifications, markRead, tableExists } from '$lib/server/queries/notifications';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals, url }) => {
  const member = requireMember(locals);
  const kind = url.searchParams.get('kind') ?? '';
  const filters = { unread: url.searchParams.get('show') !== 'all', kind: (NOTIFICATION_KINDS as readonly string[]).includes(kind) ? kind : '' };
  return asUser(services().sql, member.claims, async (tx) => {
    const available = await tableExists(tx, 'notifications');
    return { available, filters, kinds: NOTIFICATION_KINDS, notifications: available ? await listNotifications(tx, filters) : [] };
  });
};

export const actions: Actions = {
  read: async ({ locals, request }) => {
    const member = requireMember(locals);
    const id = String((await request.formData()).get('id') ?? '');
    if (!uuid.test(id)) error(400, 'No such notification.');
    try {
      await asUser(services().sql, member.claims, (tx) => markRead(tx, id));
    } catch (err) {
      if (pgErrorCode(err) === 'P0002') return fail(404, { message: 'This notification no longer exists.' });
      throw err;
    }
    return { read: id };
  },
};
