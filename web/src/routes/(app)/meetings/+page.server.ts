import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { listMeetings } from '$lib/server/queries/campaigns';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const member = requireMember(locals);
  const past = url.searchParams.get('when') === 'past';
  const meetings = await asUser(services().sql, member.claims, (tx) => listMeetings(tx, !past));
  return { meetings, past };
};
