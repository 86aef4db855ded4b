/**
 * Plays a scenario file (tests/scenarios/README.md) turn by turn through a brain, in process: no
 * HTTP, no database. Actions are applied to an in-memory customer and task list the way
 * `record_turn` applies them, and the scenario's expectations are checked afterwards.
 */
import type {
  Brain,
  BrainServices,
  Customer,
  HistoryEntry,
  TurnContext,
  TurnInput,
  TurnResult,
} from '../../types.ts';
import { isWithinHours, wallClock } from '../../hours.ts';
import { fixtureConfig, fixtureServices, TEAM } from '../../testing/fixture.ts';

export interface ScenarioTurn {
  say?: string;
  digits?: string;
  silence?: boolean;
  expect_reply?: string[];
  expect_reply_not?: string[];
}

export interface Scenario {
  name: string;
  caller: string;
  given?: {
    hours?: 'open' | 'closed';
    customer?: { name?: string; company?: string; email?: string; need?: string; timeline?: string };
    dial_result?: string;
  };
  turns: ScenarioTurn[];
  expect?: {
    ended?: string | string[];
    transfer_to?: string;
    escalated?: boolean;
    customer?: Record<string, string>;
    scheduled_task?: { task_type: string; local_time?: string };
    greeting?: string[];
    messages_min?: number;
  };
}

export interface ScenarioRun {
  name: string;
  passed: boolean;
  failures: string[];
  transcript: { caller: string | null; agent: string; intent?: string }[];
  latencies: number[];
}

interface Task {
  task_type: string;
  scheduled_for: string;
  phone?: string;
}

function inputOf(t: ScenarioTurn): TurnInput {
  if (t.digits !== undefined) return { kind: 'digits', digits: t.digits };
  if (t.silence || t.say === undefined) return { kind: 'silence' };
  return { kind: 'speech', text: t.say, confidence: 0.9 };
}

/** Play one scenario against `brain` at clock `now` (default: the real clock) with a knowledge base. */
export async function playScenario(
  brain: Brain,
  s: Scenario,
  now = new Date(),
  services: BrainServices = fixtureServices,
): Promise<ScenarioRun> {
  const config = fixtureConfig({ hours_override: s.given?.hours ?? null });
  const failures: string[] = [];
  const latencies: number[] = [];
  const transcript: ScenarioRun['transcript'] = [];
  const given = s.given?.customer;
  // start_call upserts the customer by phone number, so there is always a row.
  let customer: Customer = {
    id: 'cust_1',
    phone_number: s.caller,
    name: given?.name ?? null,
    company: given?.company ?? null,
    email: given?.email ?? null,
    need: given?.need ?? null,
    timeline: given?.timeline ?? null,
  };
  const firstName = customer.name?.trim().split(/\s+/)[0];
  const greeting = given && firstName
    ? config.returning_greeting.replaceAll('{name}', firstName)
    : config.greeting;
  transcript.push({ caller: null, agent: greeting });
  const history: HistoryEntry[] = [{ role: 'agent', content: greeting, at: now.toISOString() }];
  const tasks: Task[] = [];
  let state: Record<string, unknown> = {};
  let messages = 1;
  let escalated = false;
  let dialed: string | undefined;
  let ended: string | undefined;
  let clock = now.getTime();
  let n = 0;

  const run = async (input: TurnInput, dialResult?: TurnContext['dialResult']): Promise<TurnResult> => {
    n++;
    clock += 8000;
    const at = new Date(clock);
    const ctx: TurnContext = {
      callSid: `CA${s.caller.slice(1)}`,
      conversationId: 'conv_1',
      direction: 'inbound',
      turnIndex: n,
      callerNumber: s.caller,
      history: [...history],
      customer: { ...customer },
      config,
      team: TEAM,
      state,
      now: at,
      withinHours: isWithinHours(config, at),
      input,
      dialResult,
    };
    const t0 = performance.now();
    const res = await brain.turn(ctx, services);
    latencies.push(performance.now() - t0);
    messages += 2;
    const said = input.kind === 'speech' ? input.text : input.kind === 'digits' ? input.digits : '';
    history.push({ role: 'caller', content: said, at: at.toISOString() });
    history.push({ role: 'agent', content: res.reply, at: at.toISOString() });
    transcript.push({
      caller: dialResult ? `(dial ${dialResult.status})` : said,
      agent: res.reply,
      intent: res.meta.intent,
    });
    state = res.state;
    const a = res.actions;
    if (a.lead) {
      const lead = Object.fromEntries(
        Object.entries(a.lead).filter(([, v]) => v !== undefined && v !== null),
      );
      customer = { ...customer, ...lead };
    }
    if (a.callback) {
      const task = { task_type: 'callback', scheduled_for: a.callback.at, phone: a.callback.phone };
      const i = tasks.findIndex((t) => t.task_type === 'callback');
      if (i >= 0) tasks[i] = task;
      else tasks.push(task);
    }
    if (a.message) tasks.push({ task_type: 'message', scheduled_for: at.toISOString() });
    return res;
  };

  for (const [i, turn] of s.turns.entries()) {
    const label = `turn ${i + 1}`;
    if (ended) {
      if (turn.expect_reply?.length || turn.expect_reply_not?.length) {
        failures.push(`${label}: not played, call ended`);
      }
      continue;
    }
    const res = await run(inputOf(turn));
    for (const re of turn.expect_reply ?? []) {
      if (!new RegExp(re, 'i').test(res.reply)) {
        failures.push(`${label}: reply lacks /${re}/: "${res.reply}"`);
      }
    }
    for (const re of turn.expect_reply_not ?? []) {
      if (new RegExp(re, 'i').test(res.reply)) failures.push(`${label}: reply has /${re}/: "${res.reply}"`);
    }
    if (res.actions.transfer) {
      escalated = true;
      dialed = res.actions.transfer.phone;
      const dial = s.given?.dial_result ?? 'completed';
      if (dial === 'completed') ended = 'transfer';
      else {
        // Twilio posts the <Dial> action; the webhook takes a turn with the dial's status.
        const after = await run({ kind: 'silence' }, { status: dial, to: dialed });
        if (after.actions.transfer) {
          dialed = after.actions.transfer.phone;
        }
        if (after.actions.hangup) ended = 'agent_hangup';
      }
    }
    if (!ended && res.actions.hangup) ended = 'agent_hangup';
  }
  ended ??= 'caller_hangup';

  const e = s.expect ?? {};
  if (e.ended !== undefined) {
    const ok = Array.isArray(e.ended) ? e.ended.includes(ended) : e.ended === ended;
    if (!ok) failures.push(`ended: expected ${JSON.stringify(e.ended)}, got ${ended}`);
  }
  if (e.transfer_to !== undefined && dialed !== e.transfer_to) {
    failures.push(`transfer_to: expected ${e.transfer_to}, got ${dialed ?? 'none'}`);
  }
  if (e.escalated !== undefined && e.escalated !== escalated) {
    failures.push(`escalated: expected ${e.escalated}`);
  }
  for (const [k, v] of Object.entries(e.customer ?? {})) {
    // The score and status come from the after-call analysis, which runs only on the stack.
    if (k === 'lead_score' || k === 'lead_status') continue;
    const got = (customer as unknown as Record<string, string | null>)[k];
    const same = k === 'email'
      ? got?.toLowerCase() === v.toLowerCase()
      : got?.trim().toLowerCase() === v.trim().toLowerCase();
    if (!same) failures.push(`customer.${k}: expected "${v}", got "${got}"`);
  }
  if (e.scheduled_task) {
    const task = tasks.find((t) => t.task_type === e.scheduled_task!.task_type);
    if (!task) failures.push(`scheduled_task: no ${e.scheduled_task.task_type}`);
    else {
      const at = new Date(task.scheduled_for);
      const w = wallClock(at, config.timezone);
      const local = `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
      if (e.scheduled_task.local_time && local !== e.scheduled_task.local_time) {
        failures.push(`scheduled_task.local_time: expected ${e.scheduled_task.local_time}, got ${local}`);
      }
      if (at.getTime() <= now.getTime()) failures.push('scheduled_task: not in the future');
    }
  }
  for (const re of e.greeting ?? []) {
    if (!new RegExp(re, 'i').test(greeting)) failures.push(`greeting lacks /${re}/: "${greeting}"`);
  }
  if (e.messages_min !== undefined && messages < e.messages_min) {
    failures.push(`messages_min: expected ${e.messages_min}, got ${messages}`);
  }
  return { name: s.name, passed: failures.length === 0, failures, transcript, latencies };
}
