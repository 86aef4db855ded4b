import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guard';
import { activeConfig, updateActiveConfig } from '$lib/server/queries/settings';
import { VOICE_MODES } from '../../../../../supabase/functions/_shared/brain/types';
import type { Actions } from './$types';

const KNOWN = ['local', 'openai', 'anthropic'];

export const actions: Actions = {
  default: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const form = new FormReader(await request.formData());
    const business_name = form.text('business_name', { required: true, max: 120, label: 'Business name' });
    const greeting = form.text('greeting', { required: true, max: 600, label: 'Greeting' });
    const returning_greeting = form.text('returning_greeting', { required: true, max: 600, label: 'Returning-caller greeting' });
    if (returning_greeting && !returning_greeting.includes('{name}')) form.error('returning_greeting', 'Include {name} where the caller’s first name goes.');
    const system_prompt = form.text('system_prompt', { required: true, max: 20000, label: 'Prompt' });
    const voice = form.text('voice', { required: true, max: 60, label: 'Voice' });
    if (voice && !/^[A-Za-z0-9._-]+$/.test(voice)) form.error('voice', 'Use a Twilio voice name such as Polly.Joanna-Neural.');
    const language = form.text('language', { required: true, max: 12, label: 'Language' });
    if (language && !/^[a-z]{2,3}(-[A-Z]{2})?$/.test(language)) form.error('language', 'Use a language tag such as en-US.');
    const providers = form.list('providers', { max: 5, label: 'Providers' }).map((p) => p.toLowerCase());
    if (providers.length === 0) form.error('providers', 'List at least one provider; local needs no key.');
    const openaiModel = form.text('openai_model', { max: 100, label: 'OpenAI model' });
    const openaiBase = form.text('openai_base_url', { max: 300, label: 'Base URL' });
    if (openaiBase && !/^https?:\/\/[^\s]+$/.test(openaiBase)) form.error('openai_base_url', 'Use a URL such as http://127.0.0.1:11434/v1.');
    const anthropicModel = form.text('anthropic_model', { max: 100, label: 'Anthropic model' });
    for (const p of providers) {
      if (!KNOWN.includes(p)) form.error('providers', `Unknown provider “${p}”: use local, openai or anthropic.`);
    }
    if (providers.includes('openai') && !openaiModel) form.error('openai_model', 'OpenAI is in the chain: name its model.');
    if (providers.includes('anthropic') && !anthropicModel) form.error('anthropic_model', 'Anthropic is in the chain: name its model.');
    const turn_deadline_ms = form.int('turn_deadline_ms', { min: 500, max: 12000, required: true, label: 'Turn deadline' });
    const voice_mode = form.oneOf('voice_mode', VOICE_MODES, 'Voice mode');
    const session_limit_seconds = form.int('session_limit_seconds', { min: 5, max: 3600, required: true, label: 'Session limit' });
    const monthly_budget_usd = form.decimal('monthly_budget_usd', { min: 0, max: 1_000_000, label: 'Monthly budget' });
    if (!form.ok) return invalid(form);

    return asUser(services().sql, admin.claims, async (tx) => {
      const current = await activeConfig(tx);
      const settings = { ...(current?.provider_settings ?? {}) } as Record<string, Record<string, unknown>>;
      const merge = (name: string, patch: Record<string, unknown>) => {
        const next = { ...(settings[name] ?? {}), ...patch };
        for (const [k, v] of Object.entries(next)) if (v === null) delete next[k];
        if (Object.keys(next).length) settings[name] = next;
        else delete settings[name];
      };
      merge('openai', { model: openaiModel, base_url: openaiBase });
      merge('anthropic', { model: anthropicModel });
      await updateActiveConfig(tx, {
        business_name: business_name!, greeting: greeting!, returning_greeting: returning_greeting!,
        system_prompt: system_prompt!, voice: voice!, language: language!, providers,
        provider_settings: settings, turn_deadline_ms: turn_deadline_ms!, monthly_budget_usd: monthly_budget_usd!,
        voice_mode: voice_mode!, session_limit_seconds: session_limit_seconds!,
      });
      return { saved: true };
    });
  },
};
