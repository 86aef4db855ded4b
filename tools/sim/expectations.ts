import type { EndReason, Turn } from './call.ts';
import type { Scenario } from './scenario-file.ts';
import { checkPromises } from './promises.ts';

/** What the call itself showed: its turns (turns[0] = greeting), how it ended, what it dialled. */
export type CallTranscript = {
  turns: Turn[];
  ended: EndReason | null;
  dialed: string | null;
  /** The application error that failed the call, if any. */
  error: string | null;
  statusCallback: { status: number } | { error: string } | null;
  /** What the team member heard before a warm transfer. */
  whispers?: readonly string[];
};

/** What the database held after the call. */
export type DbFacts = {
  conversation: { id: string; escalated: boolean } | null;
  customer: Record<string, unknown> | null;
  /** Tasks created during the call, with scheduled_for as HH:MM in the business time zone. */
  tasks: Array<{ task_type: string; local_time: string; in_future: boolean; assignee?: string | null }>;
  messages: number;
  /** The team members' full names (for the promise check). */
  team?: string[];
};

/** Every failed expectation of the scenario, as readable sentences; empty when the call passed. */
export function checkExpectations(scenario: Scenario, call: CallTranscript, facts: DbFacts | null): string[] {
  const failures: string[] = [];
  if (call.ended === 'error') failures.push(`application error: ${call.error ?? 'unknown'}`);
  const sc = call.statusCallback;
  if (sc && 'error' in sc) failures.push(`status callback: ${sc.error}`);
  else if (sc && (sc.status < 200 || sc.status > 299)) failures.push(`status callback answered HTTP ${sc.status}`);

  scenario.turns.forEach((turn, i) => {
    const answer = call.turns[i + 1];
    const label = `turn ${i + 1}`;
    if (!answer) {
      if (turn.expect_reply || turn.expect_reply_not) failures.push(`${label} was not played (the call had ended): its expectations fail`);
      return;
    }
    failures.push(...matchAll(turn.expect_reply, answer.agent, `${label} reply`));
    failures.push(...matchNone(turn.expect_reply_not, answer.agent, `${label} reply`));
  });

  const expect = scenario.expect;
  if (expect.greeting) failures.push(...matchAll(expect.greeting, call.turns[0]?.agent ?? '', 'greeting'));
  if (expect.whisper) failures.push(...matchAll(expect.whisper, (call.whispers ?? []).join(' '), 'whisper'));
  if (expect.ended !== undefined) {
    const allowed = [expect.ended].flat();
    if (!allowed.includes(call.ended as never)) failures.push(`ended: expected ${allowed.join(' or ')}, got ${call.ended ?? 'nothing'}`);
  }
  if (expect.transfer_to !== undefined && call.dialed?.trim() !== expect.transfer_to.trim()) {
    failures.push(`transfer_to: expected ${expect.transfer_to}, dialled ${call.dialed ?? 'nothing'}`);
  }
  // Every scenario: a person or time the agent committed to is what the stored task holds.
  if (facts) {
    const replies = call.turns.slice(1).map((t) => t.agent);
    failures.push(...checkPromises(replies, facts.tasks.map((t) => ({ ...t, assignee: t.assignee ?? null })), facts.team ?? []));
  }
  const needsDb = expect.escalated !== undefined || expect.customer || expect.scheduled_task || expect.messages_min !== undefined;
  if (!needsDb) return failures;
  if (!facts) return [...failures, 'database facts could not be read'];

  if (expect.escalated !== undefined) {
    if (!facts.conversation) failures.push('escalated: no conversation row for this call');
    else if (facts.conversation.escalated !== expect.escalated) failures.push(`escalated: expected ${expect.escalated}, got ${facts.conversation.escalated}`);
  }
  if (expect.customer) failures.push(...checkCustomer(expect.customer, facts.customer));
  if (expect.scheduled_task) {
    const { task_type, local_time } = expect.scheduled_task;
    const found = facts.tasks.some((t) => t.task_type === task_type && t.in_future && (local_time === undefined || t.local_time === local_time));
    if (!found) {
      const seen = facts.tasks.map((t) => `${t.task_type} at ${t.local_time}${t.in_future ? '' : ' (past)'}`).join(', ') || 'none';
      failures.push(`scheduled_task: expected a future ${task_type}${local_time ? ` at ${local_time}` : ''}, created during the call: ${seen}`);
    }
  }
  if (expect.messages_min !== undefined && facts.messages < expect.messages_min) {
    failures.push(`messages_min: expected at least ${expect.messages_min}, got ${facts.messages}`);
  }
  return failures;
}

function checkCustomer(expected: Record<string, string>, row: Record<string, unknown> | null): string[] {
  if (!row) return ['customer: no customers row for the caller'];
  const failures: string[] = [];
  for (const [field, want] of Object.entries(expected)) {
    const got = row[field];
    const same = field === 'email'
      ? typeof got === 'string' && got.toLowerCase() === want.toLowerCase()
      : got !== null && got !== undefined && String(got).trim().toLowerCase() === want.trim().toLowerCase();
    if (!same) failures.push(`customer.${field}: expected "${want}", got ${got === null || got === undefined ? 'nothing' : `"${String(got)}"`}`);
  }
  return failures;
}

function matchAll(patterns: string[] | undefined, text: string, label: string): string[] {
  return (patterns ?? []).filter((p) => !new RegExp(p, 'i').test(text)).map((p) => `${label} does not match /${p}/: "${text}"`);
}

function matchNone(patterns: string[] | undefined, text: string, label: string): string[] {
  return (patterns ?? []).filter((p) => new RegExp(p, 'i').test(text)).map((p) => `${label} matches forbidden /${p}/: "${text}"`);
}
