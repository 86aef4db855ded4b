/**
 * The chat models that analyse calls: the agent config's providers in order (before 'local'),
 * each with `provider_settings.<name>.analysis_model` or its turn model. Keys follow the turn
 * providers' rule: a key from the environment goes only to the vendor's own API or to the base
 * URL the environment names, never to a host set in the (team-editable) config.
 */
import type { AgentConfig } from '../../brain/types.ts';
import type { ChatModel } from '../../brain/llm/chat.ts';
import { configuredChatModels } from '../../brain/llm/providers.ts';

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
  const { models, warnings } = configuredChatModels(agent, env, {
    fetch: opts.fetch,
    timeoutMs: opts.timeoutMs ?? 30_000,
    maxTokens: 600,
    modelOf: (s) => (typeof s.analysis_model === 'string' && s.analysis_model.trim() ? s.analysis_model : s.model),
  });
  return { models: models.map((m) => m.chat), skipped: warnings };
}
