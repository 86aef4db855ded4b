import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { formatTopics, parseTopics } from '$lib/server/escalation';
import { FormReader, invalid } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guard';
import { activeConfig, updateActiveConfig } from '$lib/server/queries/settings';
import { listTeam } from '$lib/server/queries/team';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, parent }) => {
  const admin = requireAdmin(locals);
  const { config } = await parent();
  const team = await asUser(services().sql, admin.claims, (tx) => listTeam(tx));
  const rules = config.escalation_rules as { topics?: unknown; sentiment_threshold?: unknown };
  return {
    team: team.filter((m) => m.active),
    topicsText: formatTopics(rules.topics),
    sentimentThreshold: typeof rules.sentiment_threshold === 'number' ? String(rules.sentiment_threshold) : '',
  };
};

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const form = new FormReader(await request.formData());
    const transferTo = form.text('default_transfer_user_id', { max: 100 });
    const maxSilence = form.int('max_silence_prompts', { min: 0, max: 10, required: true, label: 'Silence prompts' });
    const thresholdText = form.raw('sentiment_threshold').trim();
    const threshold = thresholdText ? form.decimal('sentiment_threshold', { min: -1, max: 1, label: 'Sentiment threshold' }) : null;
    const parsed = parseTopics(form.raw('topics'));
    if ('error' in parsed) form.error('topics', parsed.error);
    if (!form.ok) return invalid(form);

    return asUser(services().sql, admin.claims, async (tx) => {
      const team = await listTeam(tx);
      if (transferTo && !team.some((m) => m.user_id === transferTo && m.active)) {
        form.error('default_transfer_user_id', 'Pick an active team member.');
        return invalid(form);
      }
      const config = await activeConfig(tx);
      const rules: Record<string, unknown> = { ...(config?.escalation_rules ?? {}), topics: 'topics' in parsed ? parsed.topics : {} };
      if (threshold === null) delete rules.sentiment_threshold;
      else rules.sentiment_threshold = threshold;
      await updateActiveConfig(tx, { default_transfer_user_id: transferTo, max_silence_prompts: maxSilence!, escalation_rules: rules });
      return { saved: true };
    });
  },
};
