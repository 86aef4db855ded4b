/**
 * The provider chain: each configured brain in order, each within its share of the turn's
 * deadline, then the local engine, then a safe sentence. Whatever fails, the turn has a reply.
 */
import type { AgentConfig, Brain, BrainServices, TurnContext, TurnMeta, TurnResult } from './types.ts';
import { LlmError } from './llm/errors.ts';
import { SAFE_REPLY } from './llm/prompts.ts';
import { llmProvidersFromConfig, type ProviderDeps } from './llm/providers.ts';
import { replyProblem } from './llm/reply.ts';
import type { SignalBrain } from './llm/tool_loop.ts';
import { type StreamingBrain, streamChain } from './stream.ts';

export type { SignalBrain } from './llm/tool_loop.ts';

/** Why a provider did not answer a turn. */
export interface ProviderFailure {
  provider: string;
  reason: 'timeout' | 'error' | 'empty' | 'garbage' | 'no_time';
  /** Error kind and status (e.g. 'openai: rate_limited 429'); never caller text. */
  detail?: string;
  ms: number;
}

/** Turn metadata from the chain: the answering provider's, plus the failures before it. */
export interface ChainTurnMeta extends TurnMeta {
  failures: ProviderFailure[];
}

/** A brain, optionally named; a provider's `turn` may take a deadline signal as a third argument. */
export type NamedBrain = Brain & { readonly name?: string };

export interface BrainChainOptions {
  /** Tried in order. */
  providers: NamedBrain[];
  /** The local engine: always tried last, after every provider. */
  fallback: NamedBrain;
  /** Turn budget in ms; default: the turn's `config.turn_deadline_ms`. */
  deadlineMs?: number;
  /** Kept back for the fallback; default min(1000, 20% of the budget). */
  fallbackReserveMs?: number;
  /**
   * Most one provider may take. Default: an even share of what is left among the providers not yet
   * tried, so a hanging first provider still leaves the next one its turn.
   */
  attemptMs?: number;
  /** Monotonic milliseconds. */
  clock?: () => number;
}

const MIN_ATTEMPT_MS = 150;
const DEFAULT_DEADLINE_MS = 8000;

class DeadlineExceeded extends Error {}

/** Run one brain under a deadline: abort its signal and stop waiting when the time is up. */
async function attempt(
  brain: NamedBrain,
  ctx: TurnContext,
  services: BrainServices,
  ms: number,
): Promise<TurnResult> {
  const ac = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      ac.abort();
      reject(new DeadlineExceeded());
    }, Math.max(0, ms));
  });
  try {
    const run = (brain as SignalBrain).turn(ctx, services, ac.signal);
    run.catch(() => {}); // it may settle after we stopped waiting
    return await Promise.race([run, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function failureOf(provider: string, err: unknown, ms: number): ProviderFailure {
  if (err instanceof DeadlineExceeded) return { provider, reason: 'timeout', ms };
  if (err instanceof LlmError && err.kind === 'aborted') {
    return { provider, reason: 'timeout', detail: err.message, ms };
  }
  // Only our own error messages are safe to keep; others could quote the caller.
  const detail = err instanceof LlmError ? err.message : (err as Error)?.name ?? 'Error';
  return { provider, reason: 'error', detail, ms };
}

/**
 * Create a `Brain` that tries `providers` in order within the deadline, then `fallback`, then a safe
 * reply; `stream` does the same with the reply streamed (see stream.ts).
 */
export function createBrainChain(opts: BrainChainOptions): SignalBrain & StreamingBrain {
  const clock = opts.clock ?? (() => performance.now());
  const nameOf = (b: NamedBrain, i: number) => b.name ?? `provider${i + 1}`;

  return {
    name: 'chain',
    stream: streamChain(opts),
    async turn(ctx, services) {
      const start = clock();
      const budget = opts.deadlineMs ?? ctx.config.turn_deadline_ms ?? DEFAULT_DEADLINE_MS;
      const reserve = opts.fallbackReserveMs ?? Math.min(1000, budget * 0.2);
      const failures: ProviderFailure[] = [];
      const done = (res: TurnResult, provider: string): TurnResult => ({
        ...res,
        meta: { ...res.meta, provider, latency_ms: Math.round(clock() - start), failures } as ChainTurnMeta,
      });

      for (const [i, brain] of opts.providers.entries()) {
        const name = nameOf(brain, i);
        const left = budget - reserve - (clock() - start);
        if (left < MIN_ATTEMPT_MS) {
          failures.push({ provider: name, reason: 'no_time', ms: 0 });
          continue;
        }
        const share = opts.attemptMs ?? left / (opts.providers.length - i);
        const t0 = clock();
        try {
          const res = await attempt(brain, ctx, services, Math.min(left, share));
          const problem = replyProblem(typeof res?.reply === 'string' ? res.reply.trim() : '');
          if (!problem) return done(res, name);
          failures.push({ provider: name, reason: problem, ms: Math.round(clock() - t0) });
        } catch (err) {
          failures.push(failureOf(name, err, Math.round(clock() - t0)));
        }
      }

      const local = opts.fallback.name ?? 'local';
      const t0 = clock();
      try {
        const left = Math.max(reserve, budget - (clock() - start));
        const res = await attempt(opts.fallback, ctx, services, left);
        if (typeof res?.reply === 'string' && res.reply.trim()) return done(res, local);
        failures.push({ provider: local, reason: 'empty', ms: Math.round(clock() - t0) });
      } catch (err) {
        failures.push(failureOf(local, err, Math.round(clock() - t0)));
      }
      const meta: TurnMeta = {
        provider: 'safe',
        latency_ms: 0,
        tokens_in: 0,
        tokens_out: 0,
        cost_usd: 0,
        tools: [],
      };
      return done({ reply: SAFE_REPLY, actions: {}, state: ctx.state, meta }, 'safe');
    },
  };
}

export interface BuildProvidersDeps extends ProviderDeps {
  /** The local engine (`createLocalBrain()`), always last. */
  fallback: NamedBrain;
  /** Passed to `createBrainChain`. */
  attemptMs?: number;
  fallbackReserveMs?: number;
}

/**
 * Build the turn's brain from the agent configuration and the environment (OPENAI_API_KEY,
 * ANTHROPIC_API_KEY, OPENAI_BASE_URL, ANTHROPIC_BASE_URL, LLM_<NAME>_API_KEY). Providers that
 * cannot run are skipped and listed in `warnings`; `providers` names what the chain will try.
 */
export function buildProviders(
  config: AgentConfig,
  env: Record<string, string | undefined>,
  deps: BuildProvidersDeps,
): { brain: SignalBrain & StreamingBrain; providers: string[]; warnings: string[] } {
  const { providers, warnings } = llmProvidersFromConfig(config, env, deps);
  const brain = createBrainChain({
    providers,
    fallback: deps.fallback,
    clock: deps.clock,
    attemptMs: deps.attemptMs,
    fallbackReserveMs: deps.fallbackReserveMs,
  });
  return { brain, providers: [...providers.map((p) => p.name), deps.fallback.name ?? 'local'], warnings };
}
