/** What every job handler is given: the database, the clock, the log, and the outside services. */
import type { Sql } from '../runtime/runtime.ts';
import type { Logger } from '../runtime/log.ts';
import type { AgentConfig } from '../brain/types.ts';
import type { ChatModel } from '../brain/llm/chat.ts';
import type { JobsConfig } from './config.ts';
import type { Job, JobQueue } from './queue.ts';
import type { Snooze } from './errors.ts';
import type { Mailer } from './notify/mailer.ts';
import type { OutboundCalls } from './callbacks/twilio_calls.ts';
import type { CallRecordings } from './recordings/twilio_recordings.ts';

export interface JobDeps {
  sql: Sql;
  log: Logger;
  now: () => Date;
  config: JobsConfig;
  queue: JobQueue;
  /** Null when Mailgun is not configured: notifications stay in the database. */
  mailer: Mailer | null;
  /** Null when outbound calling is not configured. */
  calls: OutboundCalls | null;
  /** Call recordings at Twilio; null without Twilio REST credentials. */
  recordings: CallRecordings | null;
  /** For the CRM webhook (a stand-in in tests). */
  fetch: typeof fetch;
  /** The chat models that analyse a call for this agent config, in order; [] for local only. */
  analysisModels: (agent: AgentConfig) => ChatModel[];
}

/** A handler returns a JSON-able result (stored on the job) or a `Snooze`; it throws to fail. */
export type JobHandler = (job: Job, deps: JobDeps) => Promise<unknown | Snooze>;
