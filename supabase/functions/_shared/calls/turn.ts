/**
 * One turn of the conversation: what the caller said (or keyed, or nothing) → the brain → the
 * turn stored (caller words, reply, actions, in one SQL call) → TwiML. The turn number comes from
 * the Gather action's URL, so a retried webhook replays the stored answer.
 */
import type { Runtime } from '../runtime/runtime.ts';
import type { AgentConfig, BrainServices, TeamMember, TurnContext, TurnInput, TurnResult } from '../brain/types.ts';
import { isWithinHours } from '../brain/hours.ts';
import { store, type StoredInput, type TurnSnapshot } from './store.ts';
import { renderTurn, speakingIn, voiceOf } from './render.ts';
import { webhookUrls } from './urls.ts';
import { relayHints, relayTwiml } from './relay/answer.ts';
import { withinBudget } from '../budget/budget.ts';
import type { WebhookRequest } from './webhook.ts';
import { meetingTurn } from '../meetings/flow.ts';
import { meetingDeps } from '../meetings/runtime.ts';
import { callLanguage, notice } from '../compliance/notices.ts';
import { privacyStep } from './privacy.ts';
import { holdingTwiml, MAX_HOLDS, type PendingTurn } from './pending.ts';
import type { Voice } from '../twilio/twiml.ts';

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

/** How long before the answering request's deadline a turn must be stored (its commit, the render). */
const STORE_MARGIN_MS = 100;
/** Less time than this left to store: the request holds the caller once more, and the next one stores. */
const STORE_MIN_MS = 250;
/** Most a finished reply waits for the hold that gives it time to be stored. */
const STORE_WAIT_MAX_MS = 5000;
/** How often a redirect for a turn another process is answering looks for it in the database. */
const COLLECT_POLL_MS = 250;

/** Which hold this request comes back from (`wait=k` on the <Redirect>), 0 for the Gather action. */
function holdNumber(w: WebhookRequest): number {
  const k = Number(w.query.get('wait') ?? 0);
  return Number.isInteger(k) && k >= 0 && k <= MAX_HOLDS ? k : MAX_HOLDS;
}

/**
 * A Gather action (or Twilio's retry of one, or the redirect after a holding line): answers turn n.
 * The brain runs once per turn; every other request for it collects the stored answer.
 */
export async function takeTurn(rt: Runtime, w: WebhookRequest): Promise<string> {
  const { n, input, stored, dial } = turnInput(w);
  const pending = rt.pendingTurns.get(w.params.callSid, n);
  if (pending || w.query.has('wait')) return collectTurn(rt, w, n, pending);
  return rt.pendingTurns.run(w.params.callSid, n, stored, w.deadlineAt,
    (p) => answerTurn(rt, w, p, { n, input, stored, dial }));
}

/** A holding line in `voice`, and the redirect that comes back for turn n after hold `holds + 1`. */
function holdAgain(rt: Runtime, w: WebhookRequest, n: number, voice: Voice, language: string | undefined): string {
  const next = String(holdNumber(w) + 1);
  return holdingTwiml(voice, language, webhookUrls(rt.config.publicFunctionsUrl).turn(n, { wait: next }));
}

/** At the deadline while `p` still waits on its provider: a holding line, then come back. */
function holdWhileThinking(rt: Runtime, w: WebhookRequest, p: PendingTurn, n: number): () => string | null {
  const holds = holdNumber(w);
  return () => {
    if (p.phase !== 'brain' || p.fellBack || holds >= MAX_HOLDS || !p.voice) return null;
    // Nobody answers for the turn until the redirect comes; it cannot come before this.
    p.answerBy = Date.now() + rt.config.webhookDeadlineMs;
    return holdAgain(rt, w, n, p.voice, p.language);
  };
}

async function answerTurn(rt: Runtime, w: WebhookRequest, p: PendingTurn,
  { n, input, stored, dial }: { n: number; input: TurnInput; stored: StoredInput; dial?: string }): Promise<string> {
  const snap = await loadSnapshot(rt, w.params.callSid);
  rt.lastKnown.agent = snap.config;
  rt.lastKnown.team = snap.team;
  // A retried webhook (Twilio got no answer in time): the answer is already stored, so it is
  // replayed by record_turn without running any provider again (no second cost, no second action).
  if (snap.history.some((h) => h.turn === n && h.role === 'agent')) return replayTurn(rt, w, snap, n);
  const ctx = contextFrom(snap, rt, n, input, dial);
  p.language = callLanguage(ctx.state, snap.config.language, w.params.speechResult);
  p.voice = voiceOf(speakingIn(snap.config, p.language));
  const privacy = await privacyStep(rt, snap, ctx, Boolean(dial));
  const agent = await withinBudget(rt.budget, snap.config);
  p.phase = 'brain';
  w.lateAnswer = holdWhileThinking(rt, w, p, n);
  const result = privacy.result ?? await meetingTurn(meetingDeps(rt), ctx) ??
    guardTransfer(await rt.brain(agent).turn(ctx, servicesFor(rt)), ctx);
  await timeToStore(p);
  p.phase = 'database';
  // A caller who spoke card or bank details hears why they were left out.
  const reply = [
    w.redactions.length ? notice('cardWarning', p.language) : '',
    privacy.prefix ?? '',
    result.reply,
  ].filter(Boolean).join(' ');
  const latency = Math.round(performance.now() - w.receivedAt);
  // A relay call comes here only for the turn after a transfer that did not connect.
  const relay = snap.conversation.voice_mode === 'relay';
  if (p.fellBack) throw new Error('turn answered by the fallback; reply not stored');
  const recorded = await store.recordTurnBefore(rt.sql, new Date(p.answerBy - STORE_MARGIN_MS), {
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

/**
 * Waits, still in the brain's phase, until the request answering for the turn has time left to
 * store it: one that is about to answer holds the caller instead, and the next one gets the reply.
 */
async function timeToStore(p: PendingTurn): Promise<void> {
  const until = Date.now() + STORE_WAIT_MAX_MS;
  while (!p.fellBack && p.answerBy - Date.now() < STORE_MIN_MS && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(5, p.answerBy - Date.now() + 5)));
  }
}

/** The stored answer to turn n, spoken again (record_turn replays it, runs nothing). */
async function replayTurn(rt: Runtime, w: WebhookRequest, snap: Snapshot, n: number): Promise<string> {
  const replayed = await store.recordTurn(rt.sql, { callSid: w.params.callSid, turn: n, input: { kind: 'silence' },
    reply: '', meta: {} as TurnResult['meta'], state: snap.conversation.state ?? {}, actions: {} });
  return renderTurn(replayed.reply, replayed.actions, n, speakingIn(snap.config, replayed.language),
    webhookUrls(rt.config.publicFunctionsUrl), w.params.to, w.params.callSid);
}

/**
 * Turn n is being answered already (by this process: wait for it; by another: look for it in the
 * database until the deadline), or was: speak what was stored.
 */
async function collectTurn(rt: Runtime, w: WebhookRequest, n: number, p: PendingTurn | undefined): Promise<string> {
  if (p) {
    p.answerBy = w.deadlineAt; // this request answers for the turn now
    w.lateAnswer = holdWhileThinking(rt, w, p, n);
    await p.done;
    // Held at this request's deadline: the next redirect collects the answer, not this one.
    if (w.answered.aborted) throw new Error('turn collected by a later request');
  }
  let reachable = false;
  const holds = holdNumber(w);
  w.lateAnswer ??= () => {
    const agent = rt.lastKnown.agent;
    if (!reachable || holds >= MAX_HOLDS || !agent) return null;
    return holdAgain(rt, w, n, voiceOf(agent), agent.language);
  };
  for (;;) {
    const snap = await loadSnapshot(rt, w.params.callSid);
    reachable = true;
    if (snap.history.some((h) => h.turn === n && h.role === 'agent')) return replayTurn(rt, w, snap, n);
    // Answered here and not stored (the database failed it): the fallback, with the caller's words held.
    if (p) throw new Error('turn not stored by the request that answered it');
    if (w.answered.aborted) throw new Error('turn collected by a later request');
    await new Promise((resolve) => setTimeout(resolve, COLLECT_POLL_MS));
  }
}
