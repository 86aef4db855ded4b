/**
 * The LLM providers an agent's configuration asks for, built from `config.providers` and
 * `config.provider_settings`, with credentials from the environment passed in. A provider that
 * cannot run is skipped and said so in `warnings` (names only, never values).
 */
import type { AgentConfig, Tool } from '../types.ts';
import { ANTHROPIC_DEFAULT_BASE_URL, createAnthropicChat } from './anthropic.ts';
import type { ChatModel } from './chat.ts';
import { createOpenAiChat, OPENAI_DEFAULT_BASE_URL } from './openai.ts';
import { mergePrices, type PriceTable } from './prices.ts';
import { createLlmBrain, type SignalBrain } from './tool_loop.ts';

export interface ProviderDeps {
  tools: readonly Tool[];
  clock?: () => number;
  /** For tests: the fetch the SDKs use. */
  fetch?: typeof fetch;
}

export interface ProviderSetup {
  providers: SignalBrain[];
  warnings: string[];
  prices: PriceTable;
}

interface Settings {
  model?: unknown;
  base_url?: unknown;
  max_tokens?: unknown;
  temperature?: unknown;
  compatible?: unknown;
}

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const sameUrl = (a: string, b: string | undefined) => !!b && a.replace(/\/+$/, '') === b.replace(/\/+$/, '');

/**
 * Where a provider sends requests, and whether its key may go there: the key from the environment
 * is sent only to the vendor's own API or to the base URL the environment names, never to a host
 * chosen in the (team-editable) agent configuration.
 */
function endpoint(configured: string | undefined, envBase: string | undefined, official: string) {
  const base = configured ?? envBase ?? official;
  return {
    base,
    official: sameUrl(base, official),
    keyAllowed: sameUrl(base, official) || sameUrl(base, envBase),
  };
}

/**
 * Whether a base URL from the (team-editable) agent configuration may be called at all: only the
 * vendor's own API, the base URL the environment names, or an origin listed in
 * LLM_BASE_URL_ALLOWLIST. Anything else could point the functions at internal addresses (cloud
 * metadata, the database's HTTP side, the admin network) from the dashboard.
 */
export function baseUrlAllowed(
  configured: string | undefined,
  env: Record<string, string | undefined>,
  official?: string,
  envBase?: string,
): boolean {
  if (!configured) return true;
  if ((official && sameUrl(configured, official)) || sameUrl(configured, envBase)) return true;
  let origin: string;
  try {
    const u = new URL(configured);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return false;
    origin = u.origin;
  } catch {
    return false;
  }
  const listed = (env.LLM_BASE_URL_ALLOWLIST ?? '').split(',').map((o) => o.trim()).filter(Boolean);
  return listed.some((o) => {
    try {
      return new URL(o).origin === origin;
    } catch {
      return false;
    }
  });
}

export interface ChatModelOptions {
  fetch?: typeof fetch;
  /** Per request; default the config's turn deadline. */
  timeoutMs?: number;
  /** Overrides provider_settings.<name>.max_tokens. */
  maxTokens?: number;
  /** Which model a provider's settings name; default `settings.model`. */
  modelOf?: (settings: Record<string, unknown>) => unknown;
}

/**
 * The chat models of the configured providers, in order, up to 'local' (which the chain always
 * adds last); a provider that cannot run is left out and said so in `warnings`.
 */
export function configuredChatModels(
  config: AgentConfig,
  env: Record<string, string | undefined>,
  opts: ChatModelOptions = {},
): { models: { name: string; chat: ChatModel }[]; warnings: string[] } {
  const all = config.provider_settings ?? {};
  const warnings: string[] = [];
  const models: { name: string; chat: ChatModel }[] = [];
  const names = [
    ...new Set((config.providers ?? []).map((n) => String(n).trim().toLowerCase()).filter(Boolean)),
  ];
  const localAt = names.indexOf('local');
  if (localAt >= 0 && localAt < names.length - 1) {
    warnings.push(`providers after 'local' are never reached: ${names.slice(localAt + 1).join(', ')}`);
  }

  for (const name of localAt >= 0 ? names.slice(0, localAt) : names) {
    const s = (all[name] ?? {}) as Settings;
    const model = str(opts.modelOf ? opts.modelOf(s as Record<string, unknown>) : s.model);
    if (!model) {
      warnings.push(`${name} skipped: provider_settings.${name}.model is not set`);
      continue;
    }
    const common = {
      model,
      provider: name,
      maxTokens: opts.maxTokens ?? num(s.max_tokens),
      temperature: num(s.temperature),
      timeoutMs: opts.timeoutMs ?? config.turn_deadline_ms,
      fetch: opts.fetch,
    };
    const vendor = name === 'openai' || name === 'anthropic';
    const official = name === 'openai' ? OPENAI_DEFAULT_BASE_URL : ANTHROPIC_DEFAULT_BASE_URL;
    const envBase = str(env[name === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL']);
    if (!baseUrlAllowed(str(s.base_url), env, vendor ? official : undefined, vendor ? envBase : undefined)) {
      warnings.push(`${name} skipped: provider_settings.${name}.base_url is not an allowed host (LLM_BASE_URL_ALLOWLIST)`);
      continue;
    }
    if (name === 'openai' || name === 'anthropic') {
      const KEY = name === 'openai' ? 'OPENAI_API_KEY' : 'ANTHROPIC_API_KEY';
      const BASE = name === 'openai' ? 'OPENAI_BASE_URL' : 'ANTHROPIC_BASE_URL';
      const ep = endpoint(
        str(s.base_url),
        str(env[BASE]),
        name === 'openai' ? OPENAI_DEFAULT_BASE_URL : ANTHROPIC_DEFAULT_BASE_URL,
      );
      const key = ep.keyAllowed ? str(env[KEY]) : undefined;
      if (!key && ep.official) {
        warnings.push(`${name} skipped: ${KEY} is not set`);
        continue;
      }
      if (!ep.keyAllowed && env[KEY]) {
        warnings.push(`${name}: ${KEY} is not sent to provider_settings.${name}.base_url`);
      } else if (!key) {
        warnings.push(
          `${name}: ${KEY} is not set; calling ${
            ep.keyAllowed ? BASE : `provider_settings.${name}.base_url`
          } without a key`,
        );
      }
      const o = { ...common, apiKey: key, baseURL: ep.base, keyName: KEY, keyOptional: !ep.official };
      models.push({ name, chat: name === 'openai' ? createOpenAiChat(o) : createAnthropicChat(o) });
    } else if (s.compatible === 'openai') {
      // Any other OpenAI-compatible server (Groq, vLLM, a second Ollama): key from LLM_<NAME>_API_KEY.
      const base = str(s.base_url);
      const KEY = `LLM_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_API_KEY`;
      if (!base) {
        warnings.push(`${name} skipped: provider_settings.${name}.base_url is not set`);
        continue;
      }
      if (!env[KEY]) warnings.push(`${name}: ${KEY} is not set; calling without a key`);
      models.push({
        name,
        chat: createOpenAiChat({ ...common, apiKey: str(env[KEY]), baseURL: base, keyName: KEY, keyOptional: true }),
      });
    } else {
      warnings.push(
        `${name} skipped: unknown provider (set provider_settings.${name}.compatible = 'openai' for an OpenAI-compatible server)`,
      );
    }
  }
  return { models, warnings };
}

/** Build the configured LLM providers, in order, up to 'local' (which the chain always adds last). */
export function llmProvidersFromConfig(
  config: AgentConfig,
  env: Record<string, string | undefined>,
  deps: ProviderDeps,
): ProviderSetup {
  const prices = mergePrices(config.provider_settings?.prices);
  const { models, warnings } = configuredChatModels(config, env, { fetch: deps.fetch });
  const providers = models.map(({ name, chat }) =>
    createLlmBrain({ name, model: chat, tools: deps.tools, prices, clock: deps.clock })
  );
  return { providers, warnings, prices };
}
