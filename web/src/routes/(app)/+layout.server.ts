import { error, redirect } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { unreadCount } from '$lib/server/queries/notifications';
import type { LayoutServerLoad } from './$types';

export const load: LayoutServerLoad = async ({ locals, url }) => {
  if (!locals.member) {
    if (locals.outsider) error(403, 'You are signed in, but not as a member of this team.');
    redirect(303, `/sign-in?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  const { cfg, sql } = services();
  const { tz, unread, callbacksDue } = await asUser(sql, locals.member.claims, async (tx) => {
    const [row] = await tx<{ tz: string; due: number }[]>`
      select public.business_timezone() as tz,
        (select count(*) from public.scheduled_tasks
          where status in ('pending', 'failed') and scheduled_for <= now())::int8 as due`;
    return { tz: row.tz, unread: await unreadCount(tx), callbacksDue: row.due };
  });
  return {
    member: { userId: locals.member.userId, name: locals.member.name, role: locals.member.role },
    timeZone: tz,
    unread,
    callbacksDue,
    localSignIn: !cfg.clerk,
  };
};
