/** The entry point of a deployed function: reads the environment once and serves the handler. */
import { createRuntime, type HandlerFactory } from './runtime.ts';
import { createLogger } from './log.ts';
import { brainFor } from './brain.ts';
import { limiterFromEnv } from '../ratelimit/limits.ts';

/** A runtime wired with the configured brain (provider chain, local engine last) and rate limits on new calls. */
export function productionRuntime(env: Record<string, string | undefined>) {
  const log = createLogger();
  const rt = createRuntime(env, { log, brain: (agent) => brainFor(agent, env, log) });
  rt.limiter = limiterFromEnv(env, rt.sql, log);
  return rt;
}

export function serveFunction(factory: HandlerFactory): void {
  Deno.serve(factory(productionRuntime(Deno.env.toObject())));
}
