/**
 * Shared pieces of the jobs tests: a worker's dependencies on the test database with every
 * outside service replaced, a job built in memory (handlers run without the queue, so the test
 * stack's own worker never races them), and finished calls written straight into the tables.
 */
import { testRuntime, testSql } from '../testing/harness.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { readJobsConfig } from './config.ts';
import type { JobDeps } from './context.ts';
import { createJobDeps } from './deps.ts';
import type { Job } from './queue.ts';

export function testJobDeps(overrides: Partial<JobDeps> = {}, env: Record<string, string> = {}) {
  const { rt, log } = testRuntime({}, env);
  const deps = createJobDeps(rt, {
    config: readJobsConfig(env, rt.config.publicFunctionsUrl),
    mailer: null,
    calls: null,
    history: null,
    recordings: null,
    analysisModels: () => [],
    ...overrides,
  });
  return { deps, rt: rt as Runtime, log };
}

let n = 0;
/** A running job as claim_jobs would hand it over. */
export function fakeJob(kind: string, payload: Record<string, unknown>, extra: Partial<Job> = {}): Job {
  return {
    id: -(++n),
    kind,
    payload,
    dedupe_key: `test:${kind}:${crypto.randomUUID()}`,
    state: 'running',
    attempts: 1,
    max_attempts: 5,
    run_at: new Date(),
    created_at: new Date(),
    last_error: null,
    ...extra,
  };
}

export function randomPhone(): string {
  return `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

export interface CallFixture {
  caller?: string;
  customer?: Record<string, string | null>;
  turns?: [role: 'caller' | 'agent', content: string][];
  outcome?: string | null;
  escalated?: boolean;
  transferStatus?: string | null;
  direction?: 'inbound' | 'outbound';
}

/**
 * A finished call inserted already closed (no trigger fires: the analysis is the test's to run).
 * Returns the conversation's and the customer's ids.
 */
export async function insertClosedCall(sql: ReturnType<typeof testSql>, f: CallFixture = {}) {
  const phone = f.caller ?? randomPhone();
  const [cu] = await sql`insert into public.customers ${sql({ phone_number: phone, ...(f.customer ?? {}) })}
    returning id`;
  const callSid = `CA${crypto.randomUUID().replaceAll('-', '')}`;
  const [c] =
    await sql`insert into public.conversations (call_sid, customer_id, agent_config_id, direction, from_number,
      to_number, status, started_at, ended_at, duration_seconds, outcome, escalated, transfer_status)
    values (${callSid}, ${cu.id}, (select id from public.agent_configs where is_active), ${
      f.direction ?? 'inbound'
    },
      ${phone}, '+15550100000', 'completed', now() - interval '2 minutes', now(), 120, ${f.outcome ?? null},
      ${f.escalated ?? false}, ${f.transferStatus ?? null})
    returning id`;
  let turn = 0;
  for (const [role, content] of f.turns ?? []) {
    if (role === 'caller') turn++;
    await sql`insert into public.messages (conversation_id, turn, role, content) values (${c.id}, ${turn}, ${role}, ${content})`;
  }
  return { conversationId: c.id as string, customerId: cu.id as string, phone, callSid };
}
