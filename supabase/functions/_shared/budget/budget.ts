/**
 * The monthly AI budget at the TypeScript edge. The rule lives in SQL (`public.ai_budget_status`:
 * the month's spend against the config's budget, and telling the admins once); this module only
 * asks it, at most every `ttlMs` per config, answering from its last answer meanwhile so a turn
 * does not wait on it. Every path that would pay a provider asks before it does.
 */
import type { AgentConfig } from '../brain/types.ts';
import type { Sql } from '../runtime/runtime.ts';
import { errorFields, type Logger } from '../runtime/log.ts';

export interface BudgetStatus {
  month: string;
  spent_usd: number;
  budget_usd: number | null;
  exhausted: boolean;
}

export interface BudgetGate {
  /** Whether AI providers must not be paid for this config now. Never throws. */
  exhausted(agentConfigId: string | null): Promise<boolean>;
}

interface Entry {
  exhausted: boolean;
  at: number;
  pending?: Promise<boolean>;
}

/** Reads the budget's state through the SQL function. */
export async function budgetStatus(sql: Sql, agentConfigId: string | null): Promise<BudgetStatus> {
  const [{ r }] = await sql<{ r: BudgetStatus }[]>`select public.ai_budget_status(${agentConfigId}::uuid) as r`;
  return r;
}

export function budgetGate(sql: Sql, log: Logger, opts: { ttlMs?: number; clock?: () => number } = {}): BudgetGate {
  const ttl = opts.ttlMs ?? 30_000;
  const clock = opts.clock ?? (() => performance.now());
  const known = new Map<string, Entry>();
  const refresh = (key: string, id: string | null): Promise<boolean> => {
    const entry = known.get(key);
    if (entry?.pending) return entry.pending;
    const pending = budgetStatus(sql, id).then((s) => {
      if (s.exhausted && !entry?.exhausted) log.warn('monthly AI budget reached: turns run offline', { month: s.month });
      known.set(key, { exhausted: s.exhausted, at: clock() });
      return s.exhausted;
    }, (err) => {
      // Unknown: keep the last answer (or allow), and ask again next time.
      log.warn('AI budget unknown; last answer kept', errorFields(err));
      known.set(key, { exhausted: entry?.exhausted ?? false, at: entry?.at ?? -Infinity });
      return entry?.exhausted ?? false;
    });
    known.set(key, { exhausted: entry?.exhausted ?? false, at: entry?.at ?? -Infinity, pending });
    return pending;
  };
  return {
    exhausted(agentConfigId) {
      const key = agentConfigId ?? 'active';
      const entry = known.get(key);
      if (!entry || entry.at === -Infinity) return refresh(key, agentConfigId);
      if (clock() - entry.at > ttl) void refresh(key, agentConfigId);
      return Promise.resolve(entry.exhausted);
    },
  };
}

/** The config a turn runs with: as configured, or offline only (the local engine) past the budget. */
export async function withinBudget(gate: BudgetGate, agent: AgentConfig): Promise<AgentConfig> {
  if (!(await gate.exhausted(agent.id))) return agent;
  return { ...agent, providers: ['local'] };
}
