/**
 * One call's bridge between Twilio Media Streams and a Realtime API session: an object per call
 * (never module state). Caller audio goes to the model as it arrives; the model's audio goes to
 * Twilio with a mark after each chunk; tools run here, through the same registry as every brain.
 * A turn (the caller's words, the reply the caller heard, the tools' actions) is stored once, by
 * record_turn, when the reply has finished playing or was cut off by the caller (barge-in: Twilio
 * `clear`, the model's item truncated at the heard point). When the stream is to end (transfer,
 * hang-up, session renewal, fallback), the handoff is recorded and Twilio's socket closed: Twilio
 * then runs the verb after </Connect>, which reads the handoff.
 */
import { redactSensitive } from '../../compliance/redact.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import { errorFields } from '../../runtime/log.ts';
import type { TurnActions, TurnInput } from '../../brain/types.ts';
import { TOOLS, toolByName } from '../../brain/tools/registry.ts';
import { INPUT_NOTES, TOOL_FAILED, UNKNOWN_TOOL } from '../../brain/llm/prompts.ts';
import { isWithinHours } from '../../brain/hours.ts';
import { type StreamEvent, toTwilio } from '../../twilio/media_streams.ts';
import { store, type StoredInput, type StreamHandoff } from '../store.ts';
import { contextFrom, guardTransfer, loadSnapshot, servicesFor, type Snapshot } from '../turn.ts';
import { greetingInstruction, instructionsFor, realtimeSettings, sessionFor } from './session_config.ts';
import { heardPart, Playback } from './playback.ts';
import { MEETING_TOOL_NAME, meetingTool, runMeetingTool } from './meeting_tool.ts';
import { type RealtimeLink, RealtimeUnavailable, type ServerEvent } from './link.ts';

export interface TwilioSide {
  send(message: string): void;
  close(): void;
}

export interface BridgeOptions {
  open: (model: string) => Promise<RealtimeLink>;
  /** A session ends itself at the first quiet moment after this long (the Edge Function's wall clock). */
  sessionLimitMs: number;
  /** The caller's silence after a reply before the model speaks again (the gather mode's timeout). */
  idleTimeoutMs: number;
}

/** The turn in progress: what the caller did and the reply being given. */
interface Turn {
  n: number;
  input: StoredInput | null;
  actions: TurnActions;
  tools: string[];
  replyItem: string | null;
  reply: string;
  replyDone: boolean;
  stoppedAt: number | null;
  firstAudioAt: number | null;
  toolRuns: Promise<{ callId: string; output: string }>[];
}

/** Caller audio kept while the Realtime session opens (about 3 s). */
const MAX_EARLY_FRAMES = 150;

export class RealtimeBridge {
  private streamSid = '';
  private callSid = '';
  private snap: Snapshot | null = null;
  private link: RealtimeLink | null = null;
  private early: string[] = [];
  private readonly playback = new Playback();
  private turn: Turn | null = null;
  private nextTurn = 1;
  private ending: StreamHandoff['next'] | null = null;
  private endingReason: string | null = null;
  private finished = false;
  private renewDue = false;
  private callerSpeaking = false;
  /** The greeting is being spoken (it was stored as turn 0 when the call was answered). */
  private greeting = false;
  private timers: ReturnType<typeof setTimeout>[] = [];
  private commits: Promise<void> = Promise.resolve();
  /** Reply items already stored (or cut off): late audio of theirs is dropped. */
  private readonly doneItems = new Set<string>();

  constructor(private readonly rt: Runtime, private readonly twilio: TwilioSide, private readonly o: BridgeOptions) {}

  /** Twilio's messages, in order. */
  async handle(ev: StreamEvent): Promise<void> {
    switch (ev.event) {
      case 'start':
        return await this.start(ev.streamSid, ev.callSid, ev.customParameters);
      case 'media':
        if (ev.track !== 'inbound') return;
        if (this.link) return this.link.send({ type: 'input_audio_buffer.append', audio: ev.payload });
        if (this.early.length < MAX_EARLY_FRAMES) this.early.push(ev.payload);
        return;
      case 'mark':
        this.playback.played(ev.name);
        return this.afterPlayback();
      case 'dtmf':
        return this.digits(ev.digit);
      case 'stop':
        return await this.stop();
      default:
        return;
    }
  }

  private async start(streamSid: string, callSid: string, params: Record<string, string>): Promise<void> {
    this.streamSid = streamSid;
    this.callSid = callSid;
    let snap: Snapshot;
    try {
      snap = await loadSnapshot(this.rt, callSid);
    } catch (err) {
      this.rt.log.error('media stream for an unknown or unreadable call', { call_sid: callSid, ...errorFields(err) });
      return this.twilio.close();
    }
    this.snap = snap;
    this.nextTurn = snap.conversation.last_turn + 1;
    try {
      this.link = await this.o.open(realtimeSettings(snap.config).model);
    } catch (err) {
      const reason = err instanceof RealtimeUnavailable ? err.reason : 'realtime API unreachable';
      return await this.end('fallback', reason);
    }
    this.link.onEvent((e) => this.fromModel(e));
    this.link.onClose(() => {
      if (!this.finished) void this.end('fallback', 'realtime API closed the session mid-call');
    });
    const now = this.rt.now();
    const topics = await store.knowledgeTopics(this.rt.sql).catch(() => []);
    this.link.send({ type: 'session.update', session: sessionFor(snap.config, [...TOOLS, meetingTool], {
      callSid, idleTimeoutMs: this.o.idleTimeoutMs,
      instructions: instructionsFor(snap.config, { customer: snap.customer,
        withinHours: isWithinHours(snap.config, now), knowledgeTopics: topics }),
    }) });
    // A fresh session resumes the call from what Postgres holds.
    for (const h of snap.history) {
      this.link.send({ type: 'conversation.item.create', item: { type: 'message',
        role: h.role === 'caller' ? 'user' : 'assistant',
        content: [{ type: h.role === 'caller' ? 'input_text' : 'output_text', text: h.content }] } });
    }
    const greeting = snap.history.length === 1 && snap.conversation.last_turn === 0 && params.resume !== '1'
      ? snap.history[0].content : null;
    this.greeting = !!greeting;
    if (greeting) this.link.send({ type: 'response.create', response: { instructions: greetingInstruction(greeting) } });
    for (const audio of this.early) this.link.send({ type: 'input_audio_buffer.append', audio });
    this.early = [];
    this.timers.push(setTimeout(() => {
      this.renewDue = true;
      this.maybeRenew();
    }, this.o.sessionLimitMs));
    this.rt.log.info('realtime session started', { call_sid: callSid, resumed: params.resume === '1' });
  }

  private newTurn(input: StoredInput | null): Turn {
    return { n: this.nextTurn, input, actions: {}, tools: [], replyItem: null, reply: '', replyDone: false,
      stoppedAt: null, firstAudioAt: null, toolRuns: [] };
  }

  private fromModel(e: ServerEvent): void {
    switch (e.type) {
      case 'input_audio_buffer.speech_started':
        this.callerSpeaking = true;
        return this.bargeIn();
      case 'input_audio_buffer.speech_stopped':
        this.callerSpeaking = false;
        this.turn ??= this.newTurn(null);
        this.turn.stoppedAt = performance.now();
        return;
      case 'input_audio_buffer.timeout_triggered':
        this.turn ??= this.newTurn({ kind: 'silence' });
        this.turn.stoppedAt = performance.now();
        return;
      case 'conversation.item.input_audio_transcription.completed': {
        // Card, SSN and bank numbers become markers before the database or a log sees them (the
        // model itself heard the audio: what it is sent cannot be taken back).
        const text = redactSensitive(String(e.transcript ?? '').trim()).text;
        this.turn ??= this.newTurn(null);
        const before = this.turn.input?.kind === 'speech' ? this.turn.input.text : '';
        this.turn.input = text || before ? { kind: 'speech', text: [before, text].filter(Boolean).join(' ') }
          : this.turn.input ?? { kind: 'silence' };
        return this.maybeCommit();
      }
      case 'conversation.item.input_audio_transcription.failed':
        this.turn ??= this.newTurn(null);
        this.turn.input ??= { kind: 'speech', text: '' };
        return this.maybeCommit();
      case 'response.output_audio.delta':
        return this.audio(String(e.item_id), String(e.delta ?? ''));
      case 'response.output_audio_transcript.delta':
        if (this.turn && this.turn.replyItem === e.item_id) this.turn.reply += String(e.delta ?? '');
        return;
      case 'response.output_audio_transcript.done':
        if (this.turn && this.turn.replyItem === e.item_id) this.turn.reply = String(e.transcript ?? this.turn.reply);
        return;
      case 'response.function_call_arguments.done':
        return this.runTool(String(e.call_id), String(e.name), String(e.arguments ?? '{}'));
      case 'response.done':
        return void this.responseDone(e.response as Record<string, unknown>);
      case 'error': {
        const err = (e.error ?? {}) as Record<string, unknown>;
        this.rt.log.warn('realtime API error event', { call_sid: this.callSid, code: String(err.code ?? ''),
          error_type: String(err.type ?? '') });
        return;
      }
      default:
        return;
    }
  }

  private audio(itemId: string, delta: string): void {
    if (!delta || this.finished || this.doneItems.has(itemId)) return;
    const t = this.turn ??= this.newTurn(null);
    if (t.replyItem && t.replyItem !== itemId) return;
    if (!t.replyItem) t.replyItem = itemId;
    if (t.firstAudioAt === null) t.firstAudioAt = performance.now();
    this.twilio.send(toTwilio.media(this.streamSid, delta));
    const bytes = Math.floor(delta.length * 3 / 4) - (delta.endsWith('==') ? 2 : delta.endsWith('=') ? 1 : 0);
    this.twilio.send(toTwilio.mark(this.streamSid, this.playback.sent(itemId, bytes)));
  }

  /** The caller spoke over the reply: stop Twilio's playback and cut the model's item where the caller stopped hearing. */
  private bargeIn(): void {
    const t = this.turn;
    if (!t?.replyItem || !this.playback.playing(t.replyItem)) return;
    this.twilio.send(toTwilio.clear(this.streamSid));
    const { heardMs, sentMs } = this.playback.clear(t.replyItem);
    this.link?.send({ type: 'conversation.item.truncate', item_id: t.replyItem, content_index: 0,
      audio_end_ms: Math.round(heardMs) });
    if (this.greeting && !t.input) {
      this.greeting = false;
      this.turn = null;
      this.doneItems.add(t.replyItem);
      return;
    }
    t.reply = heardPart(t.reply, heardMs, sentMs);
    t.replyDone = true;
    this.rt.log.info('caller barged in', { call_sid: this.callSid, heard_ms: Math.round(heardMs),
      sent_ms: Math.round(sentMs) });
    this.commit(t, true);
  }

  private digits(digit: string): void {
    if (!this.link) return;
    this.turn ??= this.newTurn(null);
    this.turn.input = { kind: 'digits', text: digit };
    this.link.send({ type: 'conversation.item.create', item: { type: 'message', role: 'user',
      content: [{ type: 'input_text', text: INPUT_NOTES.digits(digit) }] } });
    this.link.send({ type: 'response.create' });
  }

  private runTool(callId: string, name: string, rawArgs: string): void {
    const t = this.turn ??= this.newTurn(null);
    const run = async () => {
      if (name === MEETING_TOOL_NAME) return await this.meetingStep(t, callId, rawArgs);
      const tool = toolByName(name);
      if (!tool) return { callId, output: UNKNOWN_TOOL(name) };
      let args: Record<string, unknown>;
      try {
        args = JSON.parse(rawArgs);
      } catch {
        return { callId, output: TOOL_FAILED(name) };
      }
      const ctx = contextFrom(this.snap!, this.rt, t.n, this.inputOf(t));
      try {
        const out = await tool.handler(args, { turn: ctx, services: servicesFor(this.rt) });
        const guarded = guardTransfer({ reply: '', actions: out.actions, state: {}, meta: {} as never }, ctx).actions;
        mergeActions(t.actions, guarded);
        if (!t.tools.includes(name)) t.tools.push(name);
        return { callId, output: out.result };
      } catch (err) {
        this.rt.log.warn('tool failed', { call_sid: this.callSid, tool: name, ...errorFields(err) });
        return { callId, output: TOOL_FAILED(name) };
      }
    };
    t.toolRuns.push(run());
  }

  /** The meetings flow, run for the model: the call's state carries the times offered to the next turn. */
  private async meetingStep(t: Turn, callId: string, rawArgs: string): Promise<{ callId: string; output: string }> {
    let args: Record<string, unknown> = {};
    try {
      args = JSON.parse(rawArgs);
    } catch { /* the turn's own transcript stands in for the words */ }
    const snap = this.snap!;
    try {
      const step = await runMeetingTool(this.rt, contextFrom(snap, this.rt, t.n, this.inputOf(t)), args);
      snap.conversation.state = step.state;
      if (!t.tools.includes(MEETING_TOOL_NAME)) t.tools.push(MEETING_TOOL_NAME);
      return { callId, output: step.output };
    } catch (err) {
      this.rt.log.warn('tool failed', { call_sid: this.callSid, tool: MEETING_TOOL_NAME, ...errorFields(err) });
      return { callId, output: TOOL_FAILED(MEETING_TOOL_NAME) };
    }
  }

  private inputOf(t: Turn): TurnInput {
    return t.input?.kind === 'speech' ? { kind: 'speech', text: t.input.text }
      : t.input?.kind === 'digits' ? { kind: 'digits', digits: t.input.text } : { kind: 'silence' };
  }

  private async responseDone(response: Record<string, unknown>): Promise<void> {
    const t = this.turn;
    if (!t) return;
    const output = Array.isArray(response?.output) ? response.output as Record<string, unknown>[] : [];
    if (output.some((o) => o.type === 'function_call') && t.toolRuns.length) {
      const results = await Promise.all(t.toolRuns);
      t.toolRuns = [];
      for (const r of results) {
        this.link?.send({ type: 'conversation.item.create', item: { type: 'function_call_output', call_id: r.callId,
          output: r.output } });
      }
      this.link?.send({ type: 'response.create' });
      return;
    }
    if (output.some((o) => o.type === 'message')) {
      t.replyDone = true;
      this.afterPlayback();
    }
  }

  private afterPlayback(): void {
    this.maybeCommit();
    if (this.ending && this.playback.drained && !this.turn) void this.finish();
    this.maybeRenew();
  }

  /** A reply that has finished playing, with the caller's words known, is stored. */
  private maybeCommit(): void {
    const t = this.turn;
    if (!t || !t.replyDone || (t.replyItem && this.playback.playing(t.replyItem))) return;
    if (!t.input && this.greeting) {
      this.greeting = false;
      this.turn = null;
      if (t.replyItem) this.doneItems.add(t.replyItem);
      return this.afterCommit(t);
    }
    if (!t.input) return;
    this.commit(t, false);
  }

  private commit(t: Turn, interrupted: boolean): void {
    if (this.turn !== t) return;
    this.turn = null;
    if (t.replyItem) this.doneItems.add(t.replyItem);
    this.nextTurn = t.n + 1;
    const latency = t.stoppedAt !== null && t.firstAudioAt !== null ? Math.max(0, t.firstAudioAt - t.stoppedAt) : 0;
    const snap = this.snap!;
    // Times offered and not answered lapse, as in a gathered turn.
    if (!t.tools.includes(MEETING_TOOL_NAME) && snap.conversation.state?.meeting_offer) {
      const { meeting_offer: _lapsed, ...state } = snap.conversation.state;
      snap.conversation.state = state;
    }
    const state = snap.conversation.state ?? {};
    this.commits = this.commits.then(async () => {
      try {
        await store.recordTurn(this.rt.sql, {
          callSid: this.callSid, turn: t.n, input: t.input ?? { kind: 'silence' }, reply: t.reply.trim(),
          meta: { provider: 'openai-realtime', latency_ms: Math.round(latency), tokens_in: 0, tokens_out: 0,
            cost_usd: 0, tools: t.tools, voice_mode: 'realtime', first_token_ms: Math.round(latency),
            ...(interrupted ? { intent: 'interrupted', interrupted: true } : {}) },
          state, actions: t.actions,
        });
      } catch (err) {
        this.rt.log.error('realtime turn not stored', { call_sid: this.callSid, turn: t.n, ...errorFields(err) });
      }
    });
    this.afterCommit(t);
  }

  private afterCommit(t: Turn): void {
    if (t.actions.transfer) this.ending = 'transfer';
    else if (t.actions.hangup) this.ending = 'hangup';
    if (this.ending && this.playback.drained) void this.finish();
    this.maybeRenew();
  }

  /** At a quiet moment after the session limit: a fresh session resumes the call. */
  private maybeRenew(): void {
    if (!this.renewDue || this.ending || this.finished || this.turn || this.callerSpeaking || !this.playback.drained) {
      return;
    }
    void this.end('resume', 'session limit');
  }

  private async end(next: StreamHandoff['next'], reason: string): Promise<void> {
    if (this.finished) return;
    this.ending = next;
    this.endingReason = reason;
    if (next === 'fallback') {
      this.rt.log.warn('realtime voice unavailable; the call continues in its fallback mode', { call_sid: this.callSid,
        reason });
    }
    await this.finish();
  }

  private async finish(): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.commits;
    try {
      if (this.callSid && this.ending) {
        await store.recordStreamHandoff(this.rt.sql, this.callSid, this.ending, this.endingReason);
      }
    } catch (err) {
      this.rt.log.error('stream handoff not stored', { call_sid: this.callSid, ...errorFields(err) });
    }
    this.link?.close();
    this.twilio.close();
  }

  /** Twilio ended the stream (the caller hung up): store what was heard of a turn in progress. */
  private async stop(): Promise<void> {
    const t = this.turn;
    if (t && t.input && t.input.kind !== 'silence') {
      if (t.replyItem) {
        const { heardMs, sentMs } = this.playback.clear(t.replyItem);
        t.reply = heardPart(t.reply, heardMs, sentMs);
      }
      this.commit(t, !!t.replyItem);
    }
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    await this.commits;
    this.link?.close();
  }

  /** The socket to Twilio closed (for whatever reason). */
  closed(): void {
    if (!this.finished) void this.stop();
  }
}

function mergeActions(into: TurnActions, add: TurnActions): void {
  if (add.lead) into.lead = { ...into.lead, ...add.lead };
  if (add.callback) into.callback = add.callback;
  if (add.transfer) into.transfer = add.transfer;
  if (add.message) into.message = add.message;
  if (add.hangup) into.hangup = true;
}
