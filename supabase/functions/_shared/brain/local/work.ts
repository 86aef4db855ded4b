/**
 * One turn in progress: the reply being built, the actions gathered from tool calls, the state.
 * The engine produces every action through the registry's tool handlers, exactly as an LLM
 * provider would, so both behave the same.
 */
import type {
  BrainServices,
  LeadFields,
  ToolContext,
  ToolOutcome,
  TurnActions,
  TurnContext,
} from '../types.ts';
import { toolByName } from '../tools/registry.ts';
import type { LocalState, Pending } from './state.ts';

export interface Work {
  ctx: TurnContext;
  services: BrainServices;
  st: LocalState;
  parts: string[];
  actions: TurnActions;
  tools: string[];
  intent: string;
}

export function newWork(ctx: TurnContext, services: BrainServices, st: LocalState): Work {
  return { ctx, services, st, parts: [], actions: {}, tools: [], intent: 'unknown' };
}

function merge(into: TurnActions, add: TurnActions): void {
  if (add.lead) into.lead = { ...into.lead, ...add.lead };
  if (add.callback) into.callback = add.callback;
  if (add.transfer) into.transfer = add.transfer;
  if (add.message) into.message = add.message;
  if (add.hangup) into.hangup = true;
}

/** Call a tool from the registry and keep its actions. */
export async function callTool(
  w: Work,
  name: Parameters<typeof toolByName>[0],
  args: Record<string, unknown>,
): Promise<ToolOutcome> {
  const tool = toolByName(name);
  if (!tool) throw new Error(`no tool ${name}`);
  const tc: ToolContext = { turn: w.ctx, services: w.services, language: w.st.lang };
  const out = await tool.handler(args, tc);
  merge(w.actions, out.actions);
  if (!w.tools.includes(name)) w.tools.push(name);
  return out;
}

/**
 * What we know about the caller: the customer row, overridden by what they said in this call. For
 * the engine's own use (what to ask next); what is read back to the caller comes from `saidInCall`.
 */
export function known(w: Work): LeadFields {
  const c = w.ctx.customer;
  const base: LeadFields = {};
  if (c?.name) base.name = c.name;
  if (c?.company) base.company = c.company;
  if (c?.email) base.email = c.email;
  if (c?.need) base.need = c.need;
  if (c?.timeline) base.timeline = c.timeline;
  return { ...base, ...w.st.slots };
}

/**
 * What may be read back to the caller: what they said in this call, and the first name on file
 * (the greeting uses it). Caller ID identifies nobody, so nothing else stored is ever spoken.
 */
export function saidInCall(w: Work): LeadFields {
  const first = w.ctx.customer?.name?.trim().split(/\s+/)[0];
  return { ...(first ? { name: first } : {}), ...w.st.slots };
}

export function say(w: Work, ...text: (string | false | null | undefined)[]): void {
  for (const t of text) if (t) w.parts.push(t);
}

/** The question the agent now waits for an answer to (null: none). */
export function setPending(w: Work, p: Pending | null): void {
  w.st.pending = p;
}

/** Ask for a slot: the same question again counts as a retry. */
export function askFor(w: Work, slot: Pending, text: string): true {
  w.st.asked = w.st.pending === slot ? w.st.asked + 1 : 0;
  w.st.pending = slot;
  say(w, text);
  return true;
}
