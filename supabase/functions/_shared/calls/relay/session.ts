/**
 * One ConversationRelay session: one WebSocket, one call (or one stretch of it, between renewals).
 * Per-call state lives in this object, never in the module. Turns run one at a time: the caller's
 * words (or key, or silence) → the streaming brain → `text` tokens to Twilio as they come → the
 * turn stored once through record_turn, with the reply the caller heard.
 */
import type { Runtime } from '../../runtime/runtime.ts';
import type { TurnInput, TurnResult } from '../../brain/types.ts';
import { errorFields } from '../../runtime/log.ts';
import { streamingOf } from '../../brain/stream.ts';
import { parseRelayMessage, relayOut } from '../../twilio/relay.ts';
import { redactSensitive } from '../../compliance/redact.ts';
import { store, type StoredInput } from '../store.ts';
import { contextFrom, guardTransfer, loadSnapshot, servicesFor, type Snapshot } from '../turn.ts';
import { type Handoff, type RelayTimings, renewAtMs, speechMs } from './timing.ts';
import { relayLanguages } from './answer.ts';
import { privacyStep } from '../privacy.ts';
import { withinBudget } from '../../budget/budget.ts';
import { meetingTurn } from '../../meetings/flow.ts';
import { meetingDeps } from '../../meetings/runtime.ts';
import { callLanguage, notice } from '../../compliance/notices.ts';

export interface RelaySocket {
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

type Input = {
  input: TurnInput;
  stored: StoredInput;
  lang: string | null;
  receivedAt: number;
  /** Card, SSN or bank numbers were taken out of what the caller said: they hear why. */
  redacted?: boolean;
};

/** The reply being produced: what went to Twilio, and whether the caller cut in. */
interface Reply {
  turn: number;
  ac: AbortController;
  sent: string;
  /** Words held back for the handoff's <Say> (a transfer or hang-up decided before speaking). */
  held: string;
  holding: boolean;
  firstTokenAt: number | null;
  heard: string | null;
}

const MAX_TURN = 500;

export class RelaySession {
  private callSid: string | null = null;
  private nextTurn = 1;
  private sessionLimitMs = 140_000;
  private readonly openedAt: number;
  private queue: Promise<void> = Promise.resolve();
  private pendingInputs = 0;
  private partial = '';
  private reply: Reply | null = null;
  private lastStored: { turn: number; at: number } | null = null;
  private timers: ReturnType<typeof setTimeout>[] = [];
  /** The language Twilio speaks and listens in now, and the ones the session may switch to. */
  private language = '';
  private languages = new Set<string>();
  private ended = false;

  constructor(
    private readonly rt: Runtime,
    private readonly socket: RelaySocket,
    private readonly timings: RelayTimings,
  ) {
    this.openedAt = performance.now();
  }

  /** One text frame from Twilio. Never throws: a bad message is logged (without its text) and ignored. */
  handle(raw: unknown): void {
    const m = parseRelayMessage(raw);
    switch (m.type) {
      case 'ignored':
        this.rt.log.warn('relay message ignored', { reason: m.reason, call_sid: this.callSid ?? undefined });
        return;
      case 'error':
        this.rt.log.warn('relay reported an error', { call_sid: this.callSid ?? undefined, length: m.description.length });
        return;
      case 'setup':
        if (this.callSid) return this.rt.log.warn('relay message ignored', { reason: 'second setup', call_sid: this.callSid });
        this.callSid = m.callSid;
        this.enqueue(() => this.setup());
        return;
      case 'prompt': {
        if (!this.ready('prompt')) return;
        this.clearTimers();
        if (!m.last) {
          this.partial += m.voicePrompt;
          return;
        }
        // Card, SSN and bank numbers become markers before the brain, providers or the database see them.
        const { text, kinds } = redactSensitive((this.partial + m.voicePrompt).trim());
        this.partial = '';
        const input: Input = text
          ? { input: { kind: 'speech', text }, stored: { kind: 'speech', text }, lang: m.lang, receivedAt: performance.now(),
            redacted: kinds.length > 0 }
          : { input: { kind: 'silence' }, stored: { kind: 'silence' }, lang: m.lang, receivedAt: performance.now() };
        this.enqueue(() => this.turn(input));
        return;
      }
      case 'dtmf':
        if (!this.ready('dtmf')) return;
        this.clearTimers();
        this.enqueue(() => this.turn({ input: { kind: 'digits', digits: m.digit }, stored: { kind: 'digits', text: m.digit },
          lang: null, receivedAt: performance.now() }));
        return;
      case 'interrupt':
        if (!this.ready('interrupt')) return;
        this.clearTimers();
        this.interrupt(m.utteranceUntilInterrupt);
        return;
    }
  }

  /** The socket closed (Twilio ended the session, or the caller hung up). */
  closed(): void {
    this.ended = true;
    this.clearTimers();
    this.reply?.ac.abort();
  }

  private ready(what: string): boolean {
    if (!this.callSid) {
      this.rt.log.warn('relay message ignored', { reason: `${what} before setup` });
      return false;
    }
    if (this.ended) {
      this.rt.log.warn('relay message ignored', { reason: `${what} after the session ended`, call_sid: this.callSid });
      return false;
    }
    return true;
  }

  private enqueue(work: () => Promise<void>): void {
    this.pendingInputs++;
    this.queue = this.queue.then(work).catch((err) => this.fail(err)).finally(() => this.pendingInputs--);
  }

  private async setup(): Promise<void> {
    const snap = await loadSnapshot(this.rt, this.callSid!);
    this.rt.lastKnown.agent = snap.config;
    this.rt.lastKnown.team = snap.team;
    this.nextTurn = snap.conversation.last_turn + 1;
    this.sessionLimitMs = (snap.config.session_limit_seconds ?? 140) * 1000;
    this.language = snap.config.language;
    this.languages = new Set([snap.config.language, ...relayLanguages(snap.config).map((l) => l.code)]);
    if (snap.conversation.ended_at) return this.end({ reason: 'hangup', turn: snap.conversation.last_turn });
    this.afterSpeech(0);
  }

  private async turn(next: Input): Promise<void> {
    if (this.ended) return;
    const n = this.nextTurn;
    if (n > MAX_TURN) return this.end({ reason: 'hangup', turn: n - 1 });
    const snap: Snapshot = await loadSnapshot(this.rt, this.callSid!);
    this.rt.lastKnown.agent = snap.config;
    this.rt.lastKnown.team = snap.team;
    const ctx = contextFrom(snap, this.rt, n, next.input);
    // The caller switched language (a declared one): Twilio speaks the reply and listens in it.
    if (next.lang && next.lang !== this.language && this.languages.has(next.lang)) {
      this.language = next.lang;
      this.socket.send(relayOut.language(next.lang, next.lang));
    }
    const reply: Reply = { turn: n, ac: new AbortController(), sent: '', held: '', holding: false, firstTokenAt: null, heard: null };
    this.reply = reply;
    // The same steps as a gathered turn, before any provider: privacy requests, the card warning, the budget.
    const privacy = await privacyStep(this.rt, snap, ctx, false);
    const said = next.input.kind === 'speech' ? next.input.text : undefined;
    const prefix = [next.redacted ? notice('cardWarning', callLanguage(ctx.state, snap.config.language, said)) : '',
      privacy.prefix ?? ''].filter(Boolean).join(' ');
    if (prefix) this.token(reply, `${prefix} `);
    // Booking a meeting is a step of the call flow too (real free times, the committed slot), as in a gathered turn.
    const meeting = privacy.result ? null : await meetingTurn(meetingDeps(this.rt), ctx);
    const step = privacy.result ?? meeting;
    const result = step ? this.spoken(reply, step) : await this.streamed(reply, snap, ctx);
    const handoff = !!(result.actions.transfer || result.actions.hangup);
    if (reply.sent && reply.heard === null) this.socket.send(relayOut.text('', true));
    const spoken = (reply.sent + reply.held).replace(/\s+/g, ' ').trim();
    const interrupted = reply.heard !== null && reply.heard.trim().length < spoken.length;
    const stored = interrupted ? reply.heard!.trim() : spoken;
    const now = performance.now();
    await store.recordTurn(this.rt.sql, {
      callSid: this.callSid!, turn: n, input: next.stored, reply: stored,
      meta: { ...result.meta, latency_ms: Math.round(now - next.receivedAt),
        first_token_ms: reply.firstTokenAt === null ? undefined : Math.round(reply.firstTokenAt - next.receivedAt),
        language: result.meta.language, voice_mode: 'relay', interrupted,
        provider_failed: (result as { providerFailed?: boolean }).providerFailed || undefined },
      state: result.state, actions: interrupted && handoff ? {} : result.actions,
    });
    this.nextTurn = n + 1;
    this.reply = null;
    this.lastStored = { turn: n, at: now };
    // The caller cut in while the turn was being stored.
    if (!interrupted && reply.heard !== null) await this.storeInterruption(n, reply.heard);
    if (interrupted) return;
    // Every provider, the local engine included, failed: a person (in hours) or voicemail, not a loop of apologies.
    if (result.meta.provider === 'safe') return this.end({ reason: 'failure', turn: n });
    if (handoff) {
      await this.wait(speechMs(reply.sent, this.timings));
      return this.end({ reason: result.actions.transfer ? 'transfer' : 'hangup', turn: n, say: reply.held.trim() });
    }
    this.afterSpeech(speechMs(reply.sent, this.timings));
  }

  /** A reply the call flow wrote itself (a privacy answer, a meeting step): spoken as one chunk. */
  private spoken(reply: Reply, result: TurnResult): TurnResult {
    this.token(reply, result.reply);
    return result;
  }

  private async streamed(reply: Reply, snap: Snapshot, ctx: ReturnType<typeof contextFrom>): Promise<TurnResult> {
    const brain = streamingOf(this.rt.brain(await withinBudget(this.rt.budget, snap.config)));
    return guardTransfer(await brain.stream(ctx, servicesFor(this.rt), {
      signal: reply.ac.signal,
      onToken: (token) => this.token(reply, token),
      // A transfer or hang-up known before the first word: its words are said by the handoff's TwiML.
      beforeChunks: (res: TurnResult) => {
        const a = guardTransfer(res, ctx).actions;
        if (a.transfer || a.hangup || res.meta.provider === 'safe') reply.holding = true;
      },
    }), ctx);
  }

  private token(reply: Reply, token: string): void {
    if (this.ended || reply.heard !== null || reply.ac.signal.aborted) return;
    if (reply.holding) {
      reply.held += token;
      return;
    }
    if (reply.firstTokenAt === null) { reply.firstTokenAt = performance.now(); if (Deno.env.get('RELAY_TRACE')) console.error('TRACE', this.callSid, reply.turn, performance.timeOrigin + reply.firstTokenAt); }
    reply.sent += token;
    this.socket.send(relayOut.text(token, false));
  }

  private interrupt(heard: string): void {
    const r = this.reply;
    // Before the new reply's first token the caller is cutting into the previous one.
    if (r && r.sent) {
      r.heard = heard;
      r.ac.abort();
      return;
    }
    const last = this.lastStored;
    if (last) this.enqueue(() => this.storeInterruption(last.turn, heard));
  }

  private async storeInterruption(turn: number, heard: string): Promise<void> {
    await store.recordInterruption(this.rt.sql, this.callSid!, turn, heard);
  }

  /**
   * After a reply has been spoken: a quiet moment to renew the session in when its time is near,
   * then the silence prompt if the caller still says nothing.
   */
  private afterSpeech(speaking: number): void {
    const elapsed = () => performance.now() - this.openedAt;
    this.timers.push(setTimeout(() => {
      if (this.busy()) return;
      if (elapsed() >= renewAtMs(this.sessionLimitMs)) this.end({ reason: 'resume', turn: this.nextTurn - 1 });
    }, speaking + this.timings.quietMs));
    this.timers.push(setTimeout(() => {
      if (this.busy()) return;
      this.enqueue(() => this.turn({ input: { kind: 'silence' }, stored: { kind: 'silence' }, lang: null,
        receivedAt: performance.now() }));
    }, speaking + this.timings.silenceMs));
  }

  private busy(): boolean {
    return this.ended || this.reply !== null || this.pendingInputs > 0 || this.partial !== '';
  }

  /** Ends the session; Twilio then requests the `<Connect action>` URL with this as HandoffData. */
  private end(handoff: Handoff): void {
    if (this.ended) return;
    this.ended = true;
    this.clearTimers();
    this.rt.log.info('relay session ended', { call_sid: this.callSid ?? undefined, reason: handoff.reason,
      turn: handoff.turn, seconds: Math.round((performance.now() - this.openedAt) / 100) / 10 });
    this.socket.send(relayOut.end(handoff as unknown as Record<string, unknown>));
  }

  /** The database or every provider failed: hand the call to a person in hours, or to voicemail. */
  private fail(err: unknown): void {
    this.rt.log.error('relay turn failed; handing the call off', { call_sid: this.callSid ?? undefined, ...errorFields(err) });
    this.reply = null;
    this.end({ reason: 'failure', turn: this.nextTurn - 1 });
  }

  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}
