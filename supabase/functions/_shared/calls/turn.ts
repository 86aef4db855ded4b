/**
 * One turn of the conversation: what the caller said (or keyed, or nothing) → the brain → the
 * turn stored (caller words, reply, actions, in one SQL call) → TwiML. The turn number comes from
 * the Gather action's URL, so a retried webhook replays the stored answer.
 */
import type { Runtime } from '../runtime/runtime.ts';
import type { AgentConfig, BrainServices, TeamMember, TurnContext, TurnInput, TurnResult } from '../brain/types.ts';
import { isWithinHours } from '../brain/hours.ts';
import { store, type StoredInput, type TurnSnapshot } from './store.ts';
import { renderTurn, speakingIn } from './render.ts';
import { webhookUrls } from './urls.ts';
import { relayHints, relayTwiml } from './relay/answer.ts';
import { withinBudget } from '../budget/budget.ts';
import type { WebhookRequest } from './webhook.ts';
import { meetingTurn } from '../meetings/flow.ts';
import { meetingDeps } from '../meetings/runtime.ts';
import { callLanguage, notice } from '../compliance/notices.ts';
import { privacyStep } from './privacy.ts';

const MAX_TURN = 500;

/** Reads the turn number and what the caller did from the request. */
export function turnInput(w: WebhookRequest): { n: number; input: TurnInput; stored: StoredInput; dial?: string } {
  const n = Number(w.query.get('n'));
  if (!Number.isInteger(n) || n < 1 || n > MAX_TURN) throw new Error('turn number missing or out of range');
  const dial = w.query.get('dial') ?? undefined;
  const { speechResult, digits, confidence } = w.params;
  if (dial) return { n, input: { kind: 'silence' }, stored: { kind: 'event', text: `dial ${dial}` }, dial };
  if (w.query.get('silence') !== '1' && speechResult) {
    return { n, input: { kind: 'speech', text: speechResult, confidence },
      stored: { kind: 'speech', text: speechResult, confidence } };
  }
  if (w.query.get('silence') !== '1' && digits) {
    return { n, input: { kind: 'digits', digits }, stored: { kind: 'digits', text: digits } };
  }
  return { n, input: { kind: 'silence' }, stored: { kind: 'silence' } };
}

export function servicesFor(rt: Runtime): BrainServices {
  return { searchKnowledge: (query, limit = 3) => store.searchKnowledge(rt.sql, query, limit) };
}

export type Snapshot = TurnSnapshot & { config: AgentConfig; team: TeamMember[] };

/** The turn's snapshot, with the config and team from the process's copy when it is current. */
export async function loadSnapshot(rt: Runtime, callSid: string): Promise<Snapshot> {
  const cached = rt.turnConfig;
  const snap = await store.loadTurnContext(rt.sql, callSid, cached?.version ?? null);
  if (snap.config && snap.team) {
    rt.turnConfig = { version: snap.config_version, agent: snap.config, team: snap.team };
    return snap as Snapshot;
  }
  if (!cached) throw new Error('turn context came without a config');
  return { ...snap, config: cached.agent, team: cached.team };
}

export function contextFrom(snap: Snapshot, rt: Runtime, n: number, input: TurnInput, dial?: string): TurnContext {
  const now = rt.now();
  return {
    callSid: snap.conversation.call_sid,
    conversationId: snap.conversation.id,
    direction: snap.conversation.direction,
    turnIndex: n,
    callerNumber: snap.conversation.direction === 'outbound' ? snap.conversation.to_number : snap.conversation.from_number,
    history: snap.history.map((h) => ({ role: h.role, content: h.content, at: h.at })),
    customer: snap.customer,
    config: snap.config,
    team: snap.team,
    state: snap.conversation.state ?? {},
    now,
    withinHours: isWithinHours(snap.config, now),
    input,
    dialResult: dial ? { status: dial, to: snap.conversation.transferred_to ?? '' } : undefined,
  };
}

/** Keeps only a transfer to an active team member's own number, whatever the brain returned. */
export function guardTransfer<T extends TurnResult>(result: T, ctx: TurnContext): T {
  const t = result.actions.transfer;
  if (!t) return result;
  const member = ctx.team.find((m) => m.active && m.user_id === t.user_id);
  if (member && ctx.withinHours) return { ...result, actions: { ...result.actions, transfer: { ...t, phone: member.phone } } };
  const { transfer: _dropped, ...rest } = result.actions;
  return { ...result, actions: rest };
}

export async function takeTurn(rt: Runtime, w: WebhookRequest): Promise<string> {
  const { n, input, stored, dial } = turnInput(w);
  const snap = await loadSnapshot(rt, w.params.callSid);
  rt.lastKnown.agent = snap.config;
  rt.lastKnown.team = snap.team;
  // A retried webhook (Twilio got no answer in time): the answer is already stored, so it is
  // replayed by record_turn without running any provider again (no second cost, no second action).
  if (snap.history.some((h) => h.turn === n && h.role === 'agent')) {
    const replayed = await store.recordTurn(rt.sql, { callSid: w.params.callSid, turn: n, input: stored, reply: '',
      meta: {} as TurnResult['meta'], state: snap.conversation.state ?? {}, actions: {} });
    return renderTurn(replayed.reply, replayed.actions, n, speakingIn(snap.config, replayed.language),
      webhookUrls(rt.config.publicFunctionsUrl), w.params.to, w.params.callSid);
  }
  const ctx = contextFrom(snap, rt, n, input, dial);
  const privacy = await privacyStep(rt, snap, ctx, Boolean(dial));
  const agent = await withinBudget(rt.budget, snap.config);
  const result = privacy.result ?? await meetingTurn(meetingDeps(rt), ctx) ??
    guardTransfer(await rt.brain(agent).turn(ctx, servicesFor(rt)), ctx);
  // A caller who spoke card or bank details hears why they were left out.
  const reply = [
    w.redactions.length ? notice('cardWarning', callLanguage(ctx.state, snap.config.language, w.params.speechResult)) : '',
    privacy.prefix ?? '',
    result.reply,
  ].filter(Boolean).join(' ');
  const latency = Math.round(performance.now() - w.receivedAt);
  // A relay call comes here only for the turn after a transfer that did not connect.
  const relay = snap.conversation.voice_mode === 'relay';
  const recorded = await store.recordTurn(rt.sql, {
    callSid: w.params.callSid, turn: n, input: stored, reply,
    meta: { ...result.meta, latency_ms: latency, voice_mode: relay ? 'relay' : 'gather' }, state: result.state,
    actions: result.actions,
  });
  if (relay && !recorded.actions.transfer && !recorded.actions.hangup) {
    return relayTwiml(rt.config.publicFunctionsUrl, snap.config, { greeting: recorded.reply, hints: await relayHints(rt) });
  }
  return renderTurn(recorded.reply, recorded.actions, n, speakingIn(snap.config, recorded.language),
    webhookUrls(rt.config.publicFunctionsUrl), w.params.to, w.params.callSid);
}
