/**
 * The brain for an agent config: its provider chain with the local engine last. Built once per
 * distinct provider configuration and reused, so a turn does not construct SDK clients.
 */
import type { AgentConfig, Brain } from '../brain/types.ts';
import { buildProviders } from '../brain/chain.ts';
import { createLocalBrain } from '../brain/local/engine.ts';
import { TOOLS } from '../brain/tools/registry.ts';
import type { Logger } from './log.ts';

const built = new Map<string, Brain>();

export function brainFor(agent: AgentConfig, env: Record<string, string | undefined>, log: Logger): Brain {
  const key = JSON.stringify([agent.providers, agent.provider_settings, agent.turn_deadline_ms]);
  const cached = built.get(key);
  if (cached) return cached;
  const { brain, providers, warnings } = buildProviders(agent, env, { tools: TOOLS, fallback: createLocalBrain() });
  for (const warning of warnings) log.warn('provider skipped', { detail: warning });
  log.info('brain ready', { providers: providers.join(',') });
  built.set(key, brain);
  return brain;
}
