/**
 * `--provider openai|anthropic`: the same scenarios played with a real model, so a team can check
 * its prompt before going live. The active agent config's provider chain is set to that provider
 * (the local engine stays last, as always) for the run and restored after; the key must be where
 * the functions read it (the environment or .env.local). Never part of `npm test`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from 'postgres';

export const PROVIDERS = { openai: 'OPENAI_API_KEY', anthropic: 'ANTHROPIC_API_KEY' } as const;
export type ProviderName = keyof typeof PROVIDERS;

/** Whether the provider's key is set for the functions; the name of the missing variable if not. */
export function providerKeyProblem(provider: ProviderName, repoRoot: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const name = PROVIDERS[provider];
  if (env[name]?.trim()) return null;
  const file = join(repoRoot, '.env.local');
  const local = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (new RegExp(`^[ \\t]*${name}[ \\t]*=[ \\t]*[^\\s#]`, 'm').test(local)) return null;
  return `--provider ${provider} needs ${name} set in .env.local (the functions read it there), then a restart of the stack`;
}

/** Puts `provider` first in the active config's chain; returns the function that restores it. */
export async function useProvider(sql: Sql, provider: ProviderName): Promise<() => Promise<void>> {
  const [config] = await sql<{ id: string; providers: string[] }[]>`select id, providers from agent_configs where is_active limit 1`;
  if (!config) throw new Error('there is no active agent config');
  await sql`update agent_configs set providers = ${[provider, 'local']} where id = ${config.id}`;
  return async () => { await sql`update agent_configs set providers = ${config.providers} where id = ${config.id}`; };
}

/** What the run cost and how many agent turns the provider itself answered (the rest fell back). */
export async function providerUsage(sql: Sql, conversationIds: string[], provider: ProviderName): Promise<{ costUsd: number; turns: number; byProvider: number }> {
  if (!conversationIds.length) return { costUsd: 0, turns: 0, byProvider: 0 };
  const [row] = await sql<{ cost: string | null; turns: number; by_provider: number }[]>`
    select sum(cost_usd)::text as cost, count(*)::int as turns, count(*) filter (where provider = ${provider})::int as by_provider
    from messages where role = 'agent' and turn > 0 and conversation_id = any(${conversationIds}::uuid[])`;
  return { costUsd: Number(row?.cost ?? 0), turns: row?.turns ?? 0, byProvider: row?.by_provider ?? 0 };
}

/** "openai: 37/40 scenarios passed (92.5%), 212/215 turns answered by openai, cost $0.0841". */
export function formatProviderSummary(provider: ProviderName, passed: number, total: number, usage: { costUsd: number; turns: number; byProvider: number }): string {
  const rate = total ? ((passed / total) * 100).toFixed(1) : '0.0';
  return `${provider}: ${passed}/${total} scenarios passed (${rate}%), ${usage.byProvider}/${usage.turns} turns answered by ${provider}, cost $${usage.costUsd.toFixed(4)}`;
}
