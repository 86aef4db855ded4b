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
import type { BudgetGate } from '../budget/budget.ts';
import type { TwilioHistory } from './reconcile/twilio_history.ts';

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
  /** Twilio's lists of calls and recordings (reconciliation); null or absent without credentials. */
  history?: TwilioHistory | null;
  /** For the CRM webhook (a stand-in in tests). */
  fetch: typeof fetch;
  /** The chat models that analyse a call for this agent config, in order; [] for local only. */
  analysisModels: (agent: AgentConfig) => ChatModel[];
  /** Past the month's AI budget, analysis runs offline. */
  budget: BudgetGate;
}

/**
 * A handler returns a JSON-able result (stored on the job) or a `Snooze`; it throws to fail.
 * `signal` aborts when the job's time is up: pass it (or a shorter timeout) to every outside call,
 * so a job that timed out stops its work instead of finishing it beside its retry.
 */
export type JobHandler = (job: Job, deps: JobDeps, signal?: AbortSignal) => Promise<unknown | Snooze>;
