/**
 * The brain, streaming: a reply reaches the caller token by token as the provider yields it.
 * The provider chain applies until the first token (a provider that fails or stays silent past
 * its first-token deadline falls through to the next); after it the reply is committed, and a
 * provider that fails mid-reply ends it with a short apology. A brain that does not stream (the
 * local engine) has its reply spoken in sentence-sized chunks.
 */
import type { Brain, BrainServices, TurnContext, TurnMeta, TurnResult } from './types.ts';
import type { BrainChainOptions, ProviderFailure } from './chain.ts';
import type { SignalBrain } from './llm/tool_loop.ts';
import { SAFE_REPLY } from './llm/prompts.ts';

/** Receives reply text as it is produced. */
export type TokenSink = (token: string) => void;

export interface StreamOptions {
  onToken: TokenSink;
  /** Aborts the turn (the caller cut in, the session is closing). */
  signal?: AbortSignal;
  /** Called with a whole result before its reply is spoken in chunks (not for a streamed reply). */
  beforeChunks?: (res: TurnResult) => void;
}

/** A turn's result when streamed; `providerFailed`: the reply started and its provider then failed. */
export interface StreamedTurn extends TurnResult {
  providerFailed: boolean;
}

export interface StreamingBrain {
  stream(ctx: TurnContext, services: BrainServices, opts: StreamOptions): Promise<StreamedTurn>;
}

/** A provider that can stream: the tool loop calls `onText` with each piece of text. */
type TextBrain = SignalBrain & {
  turn(ctx: TurnContext, services: BrainServices, signal?: AbortSignal, onText?: TokenSink): Promise<TurnResult>;
};

export const MID_REPLY_APOLOGY = " Sorry, I lost my train of thought there. Could you say that again?";

/** Splits a reply into sentence-sized pieces, each with its trailing space, joined they are the reply. */
export function sentenceChunks(reply: string): string[] {
  const parts = reply.match(/[^.!?]+(?:[.!?]+["')\]]*|$)\s*/g) ?? [];
  return parts.filter((p) => p.length > 0);
}

function emitChunks(reply: string, opts: StreamOptions, res?: TurnResult): void {
  if (res) opts.beforeChunks?.(res);
  for (const chunk of sentenceChunks(reply)) {
    if (opts.signal?.aborted) return;
    opts.onToken(chunk);
  }
}

/** Any brain as a streaming one: it answers whole, then its reply is spoken sentence by sentence. */
export function streamingOf(brain: Brain): StreamingBrain {
  if (typeof (brain as Partial<StreamingBrain>).stream === 'function') return brain as unknown as StreamingBrain;
  return {
    async stream(ctx, services, opts) {
      const res = await brain.turn(ctx, services);
      emitChunks(res.reply, opts, res);
      return { ...res, providerFailed: false };
    },
  };
}

const MIN_ATTEMPT_MS = 150;

class FirstTokenDeadline extends Error {}

/** The chain's `stream`: providers in order until one yields a first token, then the local engine, then a safe sentence. */
export function streamChain(opts: BrainChainOptions) {
  const clock = opts.clock ?? (() => performance.now());
  return async (ctx: TurnContext, services: BrainServices, so: StreamOptions): Promise<StreamedTurn> => {
    const start = clock();
    const budget = opts.deadlineMs ?? ctx.config.turn_deadline_ms ?? 8000;
    const reserve = opts.fallbackReserveMs ?? Math.min(1000, budget * 0.2);
    const failures: ProviderFailure[] = [];
    const finish = (res: TurnResult, provider: string, providerFailed = false): StreamedTurn => ({
      ...res, providerFailed,
      meta: { ...res.meta, provider, latency_ms: Math.round(clock() - start), failures } as TurnMeta,
    });

    for (const [i, brain] of opts.providers.entries()) {
      const name = brain.name ?? `provider${i + 1}`;
      const left = budget - reserve - (clock() - start);
      if (left < MIN_ATTEMPT_MS) {
        failures.push({ provider: name, reason: 'no_time', ms: 0 });
        continue;
      }
      const firstTokenMs = Math.min(left, opts.attemptMs ?? left / (opts.providers.length - i));
      const t0 = clock();
      const ac = new AbortController();
      const onOuterAbort = () => ac.abort();
      so.signal?.addEventListener('abort', onOuterAbort);
      let said = '';
      let stall: ReturnType<typeof setTimeout> | undefined;
      let rejectStall: (e: Error) => void = () => {};
      const stalled = new Promise<never>((_, reject) => (rejectStall = reject));
      stalled.catch(() => {});
      // Before the first token: the first-token deadline; after it: no gap longer than the turn budget.
      const arm = (ms: number) => {
        clearTimeout(stall);
        stall = setTimeout(() => {
          ac.abort();
          rejectStall(new FirstTokenDeadline());
        }, ms);
      };
      arm(firstTokenMs);
      try {
        const run = (brain as TextBrain).turn(ctx, services, ac.signal, (t) => {
          if (ac.signal.aborted || !t) return;
          said += t;
          arm(budget);
          so.onToken(t);
        });
        run.catch(() => {});
        const res = await Promise.race([run, stalled]);
        if (!said) {
          if (!res?.reply?.trim()) {
            failures.push({ provider: name, reason: 'empty', ms: Math.round(clock() - t0) });
            continue;
          }
          emitChunks(res.reply, so, res);
        }
        return finish(res, name);
      } catch (err) {
        if (said) {
          const meta: TurnMeta = { provider: name, latency_ms: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [] };
          // Stopped by the caller cutting in: what was said stands, no apology.
          if (so.signal?.aborted) return finish({ reply: said, actions: {}, state: ctx.state, meta }, name);
          so.onToken(MID_REPLY_APOLOGY);
          return finish({ reply: said + MID_REPLY_APOLOGY, actions: {}, state: ctx.state, meta }, name, true);
        }
        failures.push({ provider: name, reason: err instanceof FirstTokenDeadline ? 'timeout' : 'error',
          detail: err instanceof FirstTokenDeadline ? 'no first token in time' : (err as Error)?.name, ms: Math.round(clock() - t0) });
        if (so.signal?.aborted) break;
      } finally {
        clearTimeout(stall);
        so.signal?.removeEventListener('abort', onOuterAbort);
      }
    }

    const local = opts.fallback.name ?? 'local';
    if (so.signal?.aborted) {
      const meta: TurnMeta = { provider: 'none', latency_ms: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [] };
      return finish({ reply: '', actions: {}, state: ctx.state, meta }, 'none');
    }
    try {
      const res = await opts.fallback.turn(ctx, services);
      if (res?.reply?.trim()) {
        emitChunks(res.reply, so, res);
        return finish(res, local);
      }
      failures.push({ provider: local, reason: 'empty', ms: 0 });
    } catch (err) {
      failures.push({ provider: local, reason: 'error', detail: (err as Error)?.name, ms: 0 });
    }
    const meta: TurnMeta = { provider: 'safe', latency_ms: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [] };
    const safe: TurnResult = { reply: SAFE_REPLY, actions: {}, state: ctx.state, meta };
    emitChunks(SAFE_REPLY, so, safe);
    return finish(safe, 'safe');
  };
}
