import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireMember } from '$lib/server/guard';
import { RANGES, dailyFigures, firstWordPercentiles, latencyPercentiles, monthToDate, rangeDays } from '$lib/server/queries/analytics';
import { insights } from '$lib/server/queries/insights';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
  const member = requireMember(locals);
  const days = rangeDays(url.searchParams);
  return asUser(services().sql, member.claims, async (tx) => ({
    days,
    ranges: RANGES,
    daily: await dailyFigures(tx, days),
    latency: await latencyPercentiles(tx, days),
    firstWord: await firstWordPercentiles(tx, days),
    month: await monthToDate(tx),
    insights: await insights(tx, days),
  }));
};
