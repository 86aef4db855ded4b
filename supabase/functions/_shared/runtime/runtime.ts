/** What every function handler is given: configuration, a database pool, a clock, a logger, a brain. */
import postgres from 'postgres';
import type { AgentConfig, Brain, TeamMember } from '../brain/types.ts';
import { readConfig, type AppConfig } from './config.ts';
import { createLogger, type Logger } from './log.ts';
import type { CallLimiter } from '../ratelimit/limiter.ts';
import { budgetGate, type BudgetGate } from '../budget/budget.ts';
import { TurnOutbox } from '../calls/outbox.ts';
import { OutageWatch } from '../calls/outage.ts';
import { PendingTurns } from '../calls/pending.ts';

export type Sql = postgres.Sql;

export interface Runtime {
  config: AppConfig;
  sql: Sql;
  now: () => Date;
  log: Logger;
  /** The brain for an agent config: its provider chain, local engine last. */
  brain: (agent: AgentConfig) => Brain;
  /** The last agent config and team read from the database, for answering while it is down. */
  lastKnown: { agent?: AgentConfig; team?: TeamMember[] };
  /**
   * The agent config and team the last turn read, with their version; replaced whole, never
   * mutated, so a turn that captured it keeps a consistent pair.
   */
  turnConfig?: { version: string; agent: AgentConfig; team: TeamMember[] };
  /** Per-caller and per-source limits on new calls (Postgres, or Upstash); absent only in tests. */
  limiter?: CallLimiter;
  /** Whether the month's AI budget is spent (then turns run on the local engine only). */
  budget: BudgetGate;
  /** Turns the fallback answered, written once the database is back. */
  outbox: TurnOutbox;
  /** Database outages seen by the webhooks; their end enqueues the reconciliation from Twilio. */
  outage: OutageWatch;
  /** Gathered turns this process is answering (a slow provider is held, not cut; see calls/pending). */
  pendingTurns: PendingTurns;
}

export type HandlerFactory = (rt: Runtime) => (req: Request) => Promise<Response>;

export type BrainFactory = (agent: AgentConfig) => Brain;

/**
 * Builds a runtime from the environment and the brain to use. Opens the pool lazily (postgres.js
 * connects on first query), so building a runtime is cheap.
 */
export function createRuntime(
  env: Record<string, string | undefined>,
  deps: { brain: BrainFactory } & Partial<Runtime>,
): Runtime {
  const overrides = deps;
  const config = readConfig(env);
  const sql = overrides.sql ?? postgres(config.dbUrl, {
    prepare: config.dbPrepare,
    max: config.dbPoolMax,
    idle_timeout: 30,
    connect_timeout: 3,
    onnotice: () => {},
    connection: { application_name: 'legacyai-functions', statement_timeout: config.dbStatementTimeoutMs },
  });
  const log = overrides.log ?? createLogger();
  return {
    config,
    sql,
    now: overrides.now ?? (() => new Date()),
    log,
    brain: deps.brain,
    lastKnown: overrides.lastKnown ?? {},
    limiter: overrides.limiter,
    budget: overrides.budget ?? budgetGate(sql, log),
    outbox: overrides.outbox ?? new TurnOutbox(sql, log),
    outage: overrides.outage ?? new OutageWatch(sql, log),
    pendingTurns: overrides.pendingTurns ?? new PendingTurns(),
  };
}
