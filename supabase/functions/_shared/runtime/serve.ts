/** The entry point of a deployed function: reads the environment once and serves the handler. */
import { createRuntime, type HandlerFactory } from './runtime.ts';
import { createLogger } from './log.ts';
import { brainFor } from './brain.ts';
import { limiterFromEnv } from '../ratelimit/upstash.ts';

/** A runtime wired with the configured brain (provider chain, local engine last) and rate limits. */
export function productionRuntime(env: Record<string, string | undefined>) {
  const log = createLogger();
  return createRuntime(env, { log, limiter: limiterFromEnv(env, log), brain: (agent) => brainFor(agent, env, log) });
}

export function serveFunction(factory: HandlerFactory): void {
  Deno.serve(factory(productionRuntime(Deno.env.toObject())));
}
