import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { todayFigures } from '$lib/server/queries/calls';
import { latestMessageId, liveCalls, transcriptsOf } from '$lib/server/queries/live';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
  const member = requireMember(locals);
  return asUser(services().sql, member.claims, async (tx) => {
    const calls = await liveCalls(tx);
    return {
      calls,
      lines: await transcriptsOf(tx, calls.map((c) => c.id)),
      after: await latestMessageId(tx),
      today: await todayFigures(tx),
    };
  });
};
