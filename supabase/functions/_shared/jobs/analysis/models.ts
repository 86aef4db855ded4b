/**
 * The chat models that analyse calls: the agent config's providers in order (before 'local'),
 * each with `provider_settings.<name>.analysis_model` or its turn model. Keys follow the turn
 * providers' rule: a key from the environment goes only to the vendor's own API or to the base
 * URL the environment names, never to a host set in the (team-editable) config.
 */
import type { AgentConfig } from '../../brain/types.ts';
import type { ChatModel } from '../../brain/llm/chat.ts';
import { createOpenAiChat, OPENAI_DEFAULT_BASE_URL } from '../../brain/llm/openai.ts';
import { ANTHROPIC_DEFAULT_BASE_URL, createAnthropicChat } from '../../brain/llm/anthropic.ts';

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const same = (a: string, b: string | undefined) => !!b && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

export interface AnalysisModelOptions {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** The models to try, in order, and why configured ones were left out (names only). */
export function analysisModels(
  agent: AgentConfig,
  env: Record<string, string | undefined>,
  opts: AnalysisModelOptions = {},
): { models: ChatModel[]; skipped: string[] } {
  const models: ChatModel[] = [];
  const skipped: string[] = [];
  const names = (agent.providers ?? []).map((n) => String(n).trim().toLowerCase());
  const upTo = names.includes('local') ? names.slice(0, names.indexOf('local')) : names;
  for (const name of upTo) {
    const s = (agent.provider_settings?.[name] ?? {}) as Record<string, unknown>;
    const model = str(s.analysis_model) ?? str(s.model);
    if (!model) {
      skipped.push(`${name}: no model`);
      continue;
    }
    const common = {
      model,
      provider: name,
      timeoutMs: opts.timeoutMs ?? 30_000,
      maxTokens: 600,
      fetch: opts.fetch,
    };
    if (name === 'openai' || name === 'anthropic') {
      const KEY = name === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
      const envBase = str(env[name === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL']);
      const official = name === 'openai' ? OPENAI_DEFAULT_BASE_URL : ANTHROPIC_DEFAULT_BASE_URL;
      const base = str(s.base_url) ?? envBase ?? official;
      const keyAllowed = same(base, official) || same(base, envBase);
      const key = keyAllowed ? str(env[KEY]) : undefined;
      if (!key && same(base, official)) {
        skipped.push(`${name}: ${KEY} not set`);
        continue;
      }
      const o = { ...common, apiKey: key, baseURL: base, keyName: KEY, keyOptional: !same(base, official) };
      models.push(name === 'openai' ? createOpenAiChat(o) : createAnthropicChat(o));
    } else if (s.compatible === 'openai' && str(s.base_url)) {
      const KEY = `LLM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
      models.push(
        createOpenAiChat({
          ...common,
          apiKey: str(env[KEY]),
          baseURL: str(s.base_url),
          keyName: KEY,
          keyOptional: true,
        }),
      );
    } else {
      skipped.push(`${name}: unknown provider`);
    }
  }
  return { models, skipped };
}
