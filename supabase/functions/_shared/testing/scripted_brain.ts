/** A brain that answers from a script, so webhook tests pin the webhook layer, not the engine. */
import type { Brain, TurnContext, TurnResult } from '../brain/types.ts';

export type Script = (ctx: TurnContext) => Partial<TurnResult>;

export function scriptedBrain(script: Script): Brain & { seen: TurnContext[] } {
  const seen: TurnContext[] = [];
  return {
    seen,
    turn(ctx) {
      seen.push(ctx);
      const out = script(ctx);
      return Promise.resolve({
        reply: out.reply ?? 'OK.',
        actions: out.actions ?? {},
        state: out.state ?? ctx.state,
        meta: { provider: 'scripted', latency_ms: 0, tokens_in: 0, tokens_out: 0, cost_usd: 0, tools: [], ...out.meta },
      });
    },
  };
}

/** A brain that always throws, as a provider outage or a bug would. */
export const brokenBrain: Brain = { turn: () => Promise.reject(new Error('brain exploded')) };
