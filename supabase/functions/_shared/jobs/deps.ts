/** Builds a worker's dependencies from the functions' runtime, once, at the entry point. */
import type { Runtime } from '../runtime/runtime.ts';
import { readJobsConfig } from './config.ts';
import type { JobDeps } from './context.ts';
import { jobQueue } from './queue.ts';
import { mailgunMailer } from './notify/mailer.ts';
import { twilioCalls } from './callbacks/twilio_calls.ts';
import { twilioRecordings } from './recordings/twilio_recordings.ts';
import { twilioHistory } from './reconcile/twilio_history.ts';
import { analysisModels } from './analysis/models.ts';
import type { ChatModel } from '../brain/llm/chat.ts';

/** The worker's dependencies; `overrides` replace any of them (tests use the local stand-ins). */
export function createJobDeps(rt: Runtime, overrides: Partial<JobDeps> = {}): JobDeps {
  const config = overrides.config ?? readJobsConfig(rt.config.env, rt.config.publicFunctionsUrl);
  for (const warning of config.warnings) rt.log.warn('optional service off', { detail: warning });
  const fetchFn = overrides.fetch ?? fetch;
  const built = new Map<string, ChatModel[]>();
  return {
    sql: overrides.sql ?? rt.sql,
    log: overrides.log ?? rt.log,
    now: overrides.now ?? rt.now,
    config,
    queue: overrides.queue ?? jobQueue(rt.sql),
    mailer: overrides.mailer !== undefined
      ? overrides.mailer
      : config.mailgun && mailgunMailer(config.mailgun),
    calls: overrides.calls !== undefined ? overrides.calls : config.outbound && twilioCalls(config.outbound),
    recordings: overrides.recordings !== undefined
      ? overrides.recordings
      : config.outbound && twilioRecordings(config.outbound),
    history: overrides.history !== undefined ? overrides.history : config.outbound && twilioHistory(config.outbound),
    fetch: fetchFn,
    budget: overrides.budget ?? rt.budget,
    analysisModels: overrides.analysisModels ?? ((agent) => {
      // Built once per provider configuration, so a job does not construct SDK clients.
      const key = JSON.stringify([agent.providers, agent.provider_settings]);
      let models = built.get(key);
      if (!models) {
        const setup = analysisModels(agent, rt.config.env);
        for (const s of setup.skipped) rt.log.warn('analysis provider skipped', { detail: s });
        built.set(key, models = setup.models);
      }
      return models;
    }),
  };
}
