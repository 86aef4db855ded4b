import { performance } from 'node:perf_hooks';
import { type CallerInput, describeInput, gatherOutcome, newSid, recordOutcome, type InputOutcome } from './caller-input.ts';
import { sendWebhook, WebhookUnreachable } from './twilio-request.ts';
import { parseTwiml, TwimlError, type Connect, type ConnectRelay, type Gather, type HttpMethod, type Prompt, type RecordVerb, type Verb } from './twiml.ts';
import { MediaStream, type HeardReply } from './media-stream.ts';
import { RelayLink } from './relay-link.ts';
import { heardAfter, RELAY_REPLY_TIMEOUT_MS, RELAY_SILENCE_WAIT_MS } from './relay-playback.ts';

/** How a call ended; 'error' is Twilio's "application error" (a failed call). */
export type EndReason = 'transfer' | 'agent_hangup' | 'caller_hangup' | 'rejected' | 'error';
/** What happens to the dialled leg of a <Dial>. */
export type DialResult = 'completed' | 'busy' | 'no-answer' | 'failed' | 'canceled';
/** The team member's answer to a warm transfer's whisper. */
export type WhisperAction = 'accept' | 'decline' | 'silent';
/** One exchange: the caller's input (null for the greeting), every <Say> answering it, and the wait before the first audio. */
export type Turn = { caller: string | null; agent: string; latency_ms: number };
/** One webhook request the call made. */
export type RequestLog = { purpose: 'voice' | 'action' | 'redirect' | 'status'; method: HttpMethod; url: string; status: number | null; latency_ms: number };

/** Everything a call needs: Twilio's side of the phone number. */
export type CallOptions = {
  voiceUrl: string;
  statusCallbackUrl?: string;
  authToken: string;
  accountSid: string;
  from: string;
  to: string;
  dialResult?: DialResult;
  /** What the team member does after a warm transfer's whisper: press 1 (accept, the default), another key, or nothing. */
  whisper?: WhisperAction;
  /** Answer deadline per webhook (Twilio: 15 s). */
  timeoutMs?: number;
  callSid?: string;
  /** 'outbound-api' for a call placed through the Calls API (the simulator plays the callee). */
  direction?: 'inbound' | 'outbound-api';
  /** The Realtime stand-in's test channel, needed to play a <Connect><Stream>. */
  realtime?: { standInUrl: string; standInCa: string };
  /** Pins the voice mode on the Voice URL (`?mode=`); absent: the agent config decides. */
  mode?: 'gather' | 'relay' | 'realtime';
  /** Relay: how long to wait for the agent's reply (15 s) and, after silence, for it to speak (20 s). */
  relayReplyTimeoutMs?: number;
  relaySilenceWaitMs?: number;
};

/** What one caller input may carry beside itself: cutting into the agent's last reply. */
export type SendOptions = {
  /** The caller starts speaking this many ms into the agent's previous reply (relay: Twilio sends `interrupt`). */
  interruptAfterMs?: number;
  /** Media Streams: return once this much of the answer has played (the next line cuts in). */
  cutAfterMs?: number;
  /** Media Streams: this line is spoken over the agent's answer. */
  bargeIn?: boolean;
};

type RelayWaiting = {
  kind: 'relay'; verb: ConnectRelay; docUrl: string; rest: Verb[]; link: RelayLink; openedAt: number;
  lastReply: { text: string; firstAt: number } | null;
};

type Waiting = { kind: 'gather'; verb: Gather; docUrl: string; rest: Verb[] } | { kind: 'record'; verb: RecordVerb; docUrl: string; rest: Verb[] }
  | { kind: 'stream'; stream: MediaStream; docUrl: string; rest: Verb[] } | RelayWaiting;
type TurnInProgress = { caller: string | null; says: string[]; latency: number; heard: boolean; documents: number; deferred?: boolean };

/** How long the caller waits for a streamed answer before taking it as silence. */
const STREAM_REPLY_TIMEOUT_MS = 15_000;
/** How long a caller done talking waits for the agent's side to close the stream before hanging up. */
const STREAM_HANGUP_GRACE_MS = 3_000;

/** A document chain that ran this long without caller input is a loop. */
const MAX_DOCUMENTS_PER_TURN = 25;
const COMPLETED_DIAL_SECONDS = 30;

class CallFailure extends Error {}

/**
 * One inbound call played the way Twilio plays it: signed webhooks, TwiML followed verb by verb,
 * the status callback when it ends. Drive it with start(), then send() per caller input, then
 * hangup() if the agent has not ended the call.
 */
export class CallSession {
  readonly callSid: string;
  readonly turns: Turn[] = [];
  readonly requests: RequestLog[] = [];
  readonly warnings: string[] = [];
  ended: EndReason | null = null;
  /** Why the call failed, when ended is 'error'. */
  error: string | null = null;
  /** The number of the last <Dial>. */
  dialed: string | null = null;
  /** What the team member heard before each warm transfer (the whisper's <Say> text). */
  readonly whispers: string[] = [];
  statusCallback: { status: number; latency_ms: number } | { error: string } | null = null;
  /** Relay: what the agent said unprompted (a silence prompt while the caller paused), in order. */
  readonly unprompted: string[] = [];
  /** Relay: sessions opened (1 + renewals + reconnections after a transfer). */
  relaySessions = 0;
  /** Relay: when each reply's first token arrived (performance.now()). */
  readonly firstTokenAt: number[] = [];
  private waiting: Waiting | null = null;
  private transferred = false;
  private rejectedAs: 'busy' | 'no-answer' | null = null;
  private callStatus: 'ringing' | 'in-progress' = 'ringing';
  private startedAt = 0;
  /** Turns whose streamed reply the caller cut into: their text is known once the next reply is heard. */
  private deferred: Turn[] = [];
  /** Times Twilio's buffer was cleared (barge-in), and first-audio overheads (ms) of streamed replies. */
  readonly streamStats = { clears: 0, overheadsMs: [] as number[], replies: [] as HeardReply[] };

  constructor(private readonly options: CallOptions) {
    this.callSid = options.callSid ?? newSid('CA');
  }

  /** What the caller waits on: speech and/or keys for a <Gather>, a message for a <Record>, nothing once ended. */
  get listening(): { kind: 'gather'; input: Gather['input'] } | { kind: 'record' } | { kind: 'stream' } | null {
    if (!this.waiting) return null;
    if (this.waiting.kind === 'stream') return { kind: 'stream' };
    if (this.waiting.kind === 'relay') return { kind: 'gather', input: ['speech', 'dtmf'] };
    return this.waiting.kind === 'gather' ? { kind: 'gather', input: this.waiting.verb.input } : { kind: 'record' };
  }

  /** Rings the Voice URL and plays until the agent waits for the caller; returns the greeting. */
  async start(): Promise<Turn> {
    if (this.startedAt) throw new Error('the call has already started');
    this.startedAt = performance.now();
    return this.playTurn(null, async (turn) => {
      const voiceUrl = this.options.mode ? withQuery(this.options.voiceUrl, { mode: this.options.mode }) : this.options.voiceUrl;
      const doc = await this.fetchDocument('voice', voiceUrl, 'POST', {}, turn);
      await this.run(doc.verbs, doc.url, turn, true);
    });
  }

  /** The caller's next input; returns the agent's answer to it. */
  async send(input: CallerInput, options: SendOptions = {}): Promise<Turn> {
    if (this.waiting?.kind === 'relay') await this.relayBetweenTurns();
    const waiting = this.waiting;
    if (!waiting) throw new Error(this.ended ? 'the call has ended' : 'the call has not started');
    if (waiting.kind === 'stream') return this.playTurn(describeInput(input), (turn) => this.speakIntoStream(waiting, input, options, turn));
    if (waiting.kind === 'relay') return this.playTurn(describeInput(input), (turn) => this.relayTurn(waiting, input, options, turn));
    this.waiting = null;
    return this.playTurn(describeInput(input), async (turn) => {
      const outcome: InputOutcome = waiting.kind === 'gather' ? gatherOutcome(waiting.verb, input) : recordOutcome(waiting.verb, input, this.options.accountSid);
      if (!outcome.params && outcome.ignored) this.warnings.push(outcome.ignored);
      const actionOnEmpty = waiting.kind === 'gather' && waiting.verb.actionOnEmptyResult;
      if (!outcome.params && !actionOnEmpty) return this.run(waiting.rest, waiting.docUrl, turn);
      const doc = await this.fetchDocument('action', resolveUrl(waiting.verb.action ?? waiting.docUrl, waiting.docUrl), waiting.verb.method, outcome.params ?? {}, turn);
      await this.run(doc.verbs, doc.url, turn);
    });
  }

  /**
   * The Calls API changed the live call: new TwiML runs at once in place of whatever the call was
   * doing (a waiting <Gather> is abandoned), or `null` ends the call. Returns what was said.
   */
  async update(twimlXml: string | null, documentUrl: string): Promise<Turn | null> {
    if (this.ended || !this.startedAt) return null;
    // A relay session or a media stream is cut off: Twilio closes its socket and runs the new TwiML instead.
    if (this.waiting?.kind === 'relay') this.waiting.link.close();
    if (this.waiting?.kind === 'stream') await this.waiting.stream.stop();
    this.waiting = null;
    if (twimlXml === null) {
      this.ended = this.transferred ? 'transfer' : 'agent_hangup';
      await this.sendStatusCallback();
      return null;
    }
    return this.playTurn('[call updated]', async (turn) => {
      let verbs: Verb[];
      try {
        verbs = parseTwiml(twimlXml);
      } catch (error) {
        if (error instanceof TwimlError) throw new CallFailure(`invalid TwiML in the call update: ${error.message}`);
        throw error;
      }
      await this.run(verbs, documentUrl, turn);
    });
  }

  /** The caller hangs up (a no-op before the call starts or once it has ended). */
  async hangup(): Promise<void> {
    if (this.ended || !this.startedAt) return;
    if (this.waiting?.kind === 'stream') {
      const w = this.waiting;
      if (this.deferred.length) await this.hearStream(w.stream, null);
      // The agent may be ending the call itself (its goodbye has played, its handoff is being
      // stored): a caller who has said all they meant to waits a moment for the line to drop.
      await Promise.race([w.stream.waitClosed(), sleep(STREAM_HANGUP_GRACE_MS)]);
      if (w.stream.closed) {
        await this.streamClosedBetweenTurns(w);
        if (this.ended) return;
      }
      await w.stream.stop();
    }
    if (this.waiting?.kind === 'relay') {
      await this.relayBetweenTurns();
      if (this.ended) return;
      if (this.waiting?.kind === 'relay') this.waiting.link.close();
    }
    // A <Record> still waiting has recorded nothing: Twilio posts no action for an empty recording.
    this.waiting = null;
    this.ended = this.transferred ? 'transfer' : 'caller_hangup';
    await this.sendStatusCallback();
  }

  private async playTurn(caller: string | null, play: (turn: TurnInProgress) => Promise<void>): Promise<Turn> {
    const turn: TurnInProgress = { caller, says: [], latency: 0, heard: false, documents: 0 };
    try {
      await play(turn);
    } catch (error) {
      if (!(error instanceof CallFailure || error instanceof WebhookUnreachable)) throw error;
      this.waiting = null;
      this.ended = 'error';
      this.error = error.message;
    }
    const done: Turn = { caller, agent: turn.says.join(' '), latency_ms: Math.round(turn.latency * 10) / 10 };
    this.turns.push(done);
    if (turn.deferred) this.deferred.push(done);
    if (this.ended) await this.sendStatusCallback();
    return done;
  }

  private async run(verbs: Verb[], docUrl: string, turn: TurnInProgress, firstDocument = false): Promise<void> {
    for (const [index, verb] of verbs.entries()) {
      switch (verb.verb) {
        case 'Say': case 'Play': case 'Pause':
          this.prompt(verb, turn);
          break;
        case 'Gather': case 'Record':
          if (verb.verb === 'Gather') verb.prompts.forEach((prompt) => this.prompt(prompt, turn));
          // After a completed transfer the caller has nothing more to say and hangs up.
          if (this.transferred) return this.end('transfer');
          this.waiting = verb.verb === 'Gather'
            ? { kind: 'gather', verb, docUrl, rest: verbs.slice(index + 1) }
            : { kind: 'record', verb, docUrl, rest: verbs.slice(index + 1) };
          return;
        case 'Redirect': {
          const doc = await this.fetchDocument('redirect', resolveUrl(verb.url, docUrl), verb.method, {}, turn);
          return this.run(doc.verbs, doc.url, turn);
        }
        case 'Dial': {
          this.dialed = verb.numbers[0] ?? null;
          const result = this.options.dialResult ?? 'completed';
          const whisperUrl = verb.whisperUrls[0];
          // An answered leg with a whisper connects only if the member takes the call; Twilio still
          // reports the leg as completed, so the action must tell the two apart itself.
          const taken = result === 'completed' && whisperUrl
            ? await this.playWhisper(resolveUrl(whisperUrl, docUrl), verb, turn) : true;
          if (result === 'completed' && taken) this.transferred = true;
          if (!verb.action) break;
          const doc = await this.fetchDocument('action', resolveUrl(verb.action, docUrl), verb.method, {
            DialCallStatus: result,
            DialCallDuration: String(result === 'completed' ? COMPLETED_DIAL_SECONDS : 0),
            DialCallSid: newSid('CA'),
          }, turn);
          return this.run(doc.verbs, doc.url, turn);
        }
        case 'Connect':
          return this.openStream(verb, docUrl, verbs.slice(index + 1), turn);
        case 'Hangup':
          return this.end(this.transferred ? 'transfer' : 'agent_hangup');
        case 'ConnectRelay': {
          if (verb.welcomeGreeting) this.prompt({ verb: 'Say', text: verb.welcomeGreeting, loop: 1 }, turn);
          if (this.transferred) return this.end('transfer');
          let link: RelayLink;
          try {
            link = await RelayLink.open(verb.url, this.options.authToken, { callSid: this.callSid, accountSid: this.options.accountSid,
              from: this.options.from, to: this.options.to, customParameters: verb.parameters }, this.options.timeoutMs);
          } catch (error) {
            throw new CallFailure(`ConversationRelay could not connect: ${(error as Error).message}`);
          }
          this.relaySessions++;
          this.waiting = { kind: 'relay', verb, docUrl, rest: verbs.slice(index + 1), link, openedAt: performance.now(), lastReply: null };
          return;
        }
        case 'Reject':
          // Only a first verb can refuse to answer; later it is a plain hangup.
          if (firstDocument && index === 0) {
            this.rejectedAs = verb.reason === 'busy' ? 'busy' : 'no-answer';
            return this.end('rejected');
          }
          return this.end(this.transferred ? 'transfer' : 'agent_hangup');
      }
    }
    this.end(this.transferred ? 'transfer' : 'agent_hangup');
  }

  /** Plays the member's leg of a warm transfer; true when they take the call (its TwiML ends without a hangup). */
  private async playWhisper(url: string, dial: Extract<Verb, { verb: 'Dial' }>, turn: TurnInProgress): Promise<boolean> {
    const params: Record<string, string> = { AccountSid: this.options.accountSid, CallSid: newSid('CA'),
      ParentCallSid: this.callSid, From: dial.callerId ?? this.options.to, To: dial.numbers[0] ?? '', CallStatus: 'in-progress',
      Direction: 'outbound-dial', ApiVersion: '2010-04-01' };
    const action = this.options.whisper ?? 'accept';
    let target: { url: string; extra: Record<string, string> } | null = { url, extra: {} };
    for (let documents = 0; target && documents < 5; documents++) {
      if (++turn.documents > MAX_DOCUMENTS_PER_TURN) throw new CallFailure('too many documents in the whisper');
      const answer = await sendWebhook({ url: target.url, method: 'POST', params: { ...params, ...target.extra },
        authToken: this.options.authToken, timeoutMs: this.options.timeoutMs });
      this.requests.push({ purpose: 'action', method: 'POST', url: target.url, status: answer.status, latency_ms: answer.latency_ms });
      if (answer.status < 200 || answer.status > 299) throw new CallFailure(`HTTP ${answer.status} from the whisper ${pathOf(target.url)}`);
      let verbs: Verb[];
      try {
        verbs = parseTwiml(answer.body);
      } catch (error) {
        if (error instanceof TwimlError) throw new CallFailure(`invalid TwiML in the whisper: ${error.message}`);
        throw error;
      }
      target = null;
      for (const v of verbs) {
        if (v.verb === 'Say') this.whispers.push(v.text);
        if (v.verb === 'Hangup' || v.verb === 'Reject') return false;
        if (v.verb === 'Gather') {
          v.prompts.forEach((p) => p.verb === 'Say' && this.whispers.push(p.text));
          const digits = action === 'accept' ? '1' : action === 'decline' ? '9' : '';
          if (!digits && !v.actionOnEmptyResult) continue;
          target = { url: resolveUrl(v.action ?? answer.url, answer.url), extra: digits ? { Digits: digits } : {} };
          break;
        }
      }
    }
    // The whisper's TwiML ran to its end without hanging up: Twilio connects the two calls.
    return true;
  }

  /** `<Connect><Stream>`: Twilio opens the socket; the agent speaks first (the greeting, or a resumed call's silence). */
  private async openStream(verb: Connect, docUrl: string, rest: Verb[], turn: TurnInProgress): Promise<void> {
    if (!this.options.realtime) throw new CallFailure('<Connect><Stream> needs the Realtime stand-in (is the stack up with it?)');
    const stream = new MediaStream({ url: verb.stream.url, parameters: verb.stream.parameters, authToken: this.options.authToken,
      accountSid: this.options.accountSid, callSid: this.callSid, ...this.options.realtime });
    try {
      await stream.open();
    } catch (error) {
      throw new CallFailure(error instanceof Error ? error.message : String(error));
    }
    this.callStatus = 'in-progress';
    const waiting: Waiting = { kind: 'stream', stream, docUrl, rest };
    this.waiting = waiting;
    stream.openWindow();
    const since = performance.now();
    await stream.awaitReply(verb.stream.parameters.resume === '1' ? 1500 : STREAM_REPLY_TIMEOUT_MS);
    await this.hearStream(stream, turn, since);
    if (stream.closed) await this.afterStream(waiting, turn);
  }

  private async speakIntoStream(waiting: Extract<Waiting, { kind: 'stream' }>, input: CallerInput, options: SendOptions, turn: TurnInProgress): Promise<void> {
    const { stream } = waiting;
    if (!options.bargeIn) stream.openWindow();
    if (input.kind === 'speech') await stream.say(input.text);
    else if (input.kind === 'digits') stream.digits(input.digits);
    const since = performance.now();
    await stream.awaitReply(STREAM_REPLY_TIMEOUT_MS, options.cutAfterMs);
    if (options.cutAfterMs !== undefined && !stream.closed) {
      turn.deferred = true;
      turn.heard = true;
      return;
    }
    await this.hearStream(stream, turn, since);
    if (stream.closed) await this.afterStream(waiting, turn);
  }

  /** What the caller heard in the window, shared out between the turns it answered (the cut-off one first). */
  private async hearStream(stream: MediaStream, turn: TurnInProgress | null, since = performance.now()): Promise<void> {
    const replies = await stream.heardReplies();
    this.streamStats.clears = stream.cleared.length;
    this.streamStats.replies.push(...replies);
    for (const r of replies) if (r.overheadMs !== null) this.streamStats.overheadsMs.push(r.overheadMs);
    const heard = replies.filter((r) => r.heard);
    // A reply the caller cut into is judged by what it said on the line (as a relay reply by its
    // tokens); the database keeps the heard part.
    const deferred = this.deferred.splice(0);
    for (const done of deferred) done.agent = heard.length > (turn ? 1 : 0) ? heard.shift()!.said : '';
    const texts = heard.map((r) => r.heard);
    if (turn) {
      turn.says.push(...texts);
      const first = stream.firstAudioSince(since);
      if (first !== null) turn.latency += first - since;
      turn.heard = texts.length > 0;
    }
  }

  /** The stream closed while the caller was quiet: Twilio runs the verbs after </Connect> (a hang-up, a transfer). */
  private async streamClosedBetweenTurns(w: Extract<Waiting, { kind: 'stream' }>): Promise<void> {
    const turn: TurnInProgress = { caller: null, says: [], latency: 0, heard: true, documents: 0 };
    try {
      await this.afterStream(w, turn);
    } catch (error) {
      if (!(error instanceof CallFailure || error instanceof WebhookUnreachable)) throw error;
      this.end('error');
      this.error = error.message;
    }
    if (turn.says.length) this.unprompted.push(turn.says.join(' '));
    if (this.ended) await this.sendStatusCallback();
  }

  /** The socket closed: Twilio goes on with the verbs after </Connect>. */
  private async afterStream(waiting: Extract<Waiting, { kind: 'stream' }>, turn: TurnInProgress): Promise<void> {
    if (this.waiting === waiting) this.waiting = null;
    await this.run(waiting.rest, waiting.docUrl, turn);
  }

  /**
   * One caller turn over ConversationRelay: an `interrupt` if the caller cuts into the last reply,
   * then a `prompt` (speech), a `dtmf` (a key) or nothing (silence), then the reply's `text`
   * tokens up to `last: true`, or an `end` whose action URL takes over the call.
   */
  private async relayTurn(w: RelayWaiting, input: CallerInput, options: SendOptions, turn: TurnInProgress): Promise<void> {
    if (options.interruptAfterMs !== undefined && w.lastReply) {
      const { text, firstAt } = w.lastReply;
      const wait = firstAt + options.interruptAfterMs - performance.now();
      if (wait > 0) await sleep(wait);
      const heard = heardAfter(text, options.interruptAfterMs);
      // Twilio sends the duration as a string.
      if (heard.length < text.trim().length) {
        w.link.send({ type: 'interrupt', utteranceUntilInterrupt: heard, durationUntilInterruptMs: String(options.interruptAfterMs) });
      }
    }
    let sentAt = performance.now();
    const sendInput = (link: RelayLink) => {
      sentAt = performance.now();
      if (input.kind === 'speech' && input.text.trim()) link.send({ type: 'prompt', voicePrompt: input.text.trim(), lang: w.verb.language ?? 'en-US', last: true });
      else if (input.kind === 'digits' && input.digits) {
        if (input.digits.length > 1) this.warnings.push('relay: only the first key of several is sent as one dtmf turn');
        if (w.verb.dtmfDetection) link.send({ type: 'dtmf', digit: input.digits[0] });
        else this.warnings.push('keys ignored: <ConversationRelay dtmfDetection> is off');
      }
    };
    sendInput(w.link);
    const silent = input.kind === 'silence' || (input.kind === 'digits' && !w.verb.dtmfDetection);
    const tokens: string[] = [];
    let link = w.link;
    for (;;) {
      const timeout = silent && tokens.length === 0 ? (this.options.relaySilenceWaitMs ?? RELAY_SILENCE_WAIT_MS) : (this.options.relayReplyTimeoutMs ?? RELAY_REPLY_TIMEOUT_MS);
      const m = await link.next(timeout);
      if (!m) {
        if (silent && tokens.length === 0) return; // the agent said nothing either
        throw new CallFailure(`no reply over ConversationRelay within ${timeout} ms (the caller hears dead air)`);
      }
      if (m.type === 'invalid') {
        this.warnings.push(`relay: Twilio error 64107 (${m.reason}); message dropped`);
        continue;
      }
      if (m.type === 'other') continue;
      if (m.type === 'text') {
        if (tokens.length === 0 && m.token) {
          if (!turn.heard) turn.latency += m.at - sentAt;
          turn.heard = true;
          this.firstTokenAt.push(m.at);
          w.lastReply = { text: '', firstAt: m.at };
        }
        if (m.token) tokens.push(m.token);
        if (m.last) break;
        continue;
      }
      // 'end', or the socket closed: Twilio requests the <Connect action> URL.
      const answered = tokens.length > 0;
      if (answered) turn.says.push(tokens.join('').replace(/\s+/g, ' ').trim());
      tokens.length = 0;
      await this.followRelayAction(w, m.type === 'end' ? m.handoffData : null, turn);
      if (this.waiting?.kind !== 'relay' || answered || silent) {
        this.adoptRelayWaiting(w);
        return;
      }
      // A renewed session before any answer: the words crossed the handover; the caller repeats them.
      this.warnings.push('relay: the caller\'s words crossed a session renewal and were repeated');
      link = this.waiting.link;
      sendInput(link);
      w = this.waiting;
    }
    const text = tokens.join('').replace(/\s+/g, ' ').trim();
    if (text) turn.says.push(text);
    if (w.lastReply) w.lastReply.text = text;
    this.adoptRelayWaiting(w);
  }

  /** Keeps the last reply known to a renewed session, for a caller cutting into it. */
  private adoptRelayWaiting(previous: RelayWaiting): void {
    if (this.waiting?.kind === 'relay' && this.waiting !== previous && !this.waiting.lastReply) this.waiting.lastReply = previous.lastReply;
  }

  /** What arrived while the caller was quiet: the agent speaking unprompted, or the session ending (renewal). */
  private async relayBetweenTurns(): Promise<void> {
    for (;;) {
      const w = this.waiting;
      if (w?.kind !== 'relay') return;
      const pending = w.link.drain();
      if (!pending.length) return;
      let spoken = '';
      for (const [i, m] of pending.entries()) {
        if (m.type === 'text') spoken += m.token;
        else if (m.type === 'end' || m.type === 'closed') {
          if (spoken.trim()) this.unprompted.push(spoken.replace(/\s+/g, ' ').trim());
          spoken = '';
          const turn: TurnInProgress = { caller: null, says: [], latency: 0, heard: true, documents: 0 };
          try {
            await this.followRelayAction(w, m.type === 'end' ? m.handoffData : null, turn);
          } catch (error) {
            if (!(error instanceof CallFailure || error instanceof WebhookUnreachable)) throw error;
            this.end('error');
            this.error = error.message;
            await this.sendStatusCallback();
            return;
          }
          if (turn.says.length) this.unprompted.push(turn.says.join(' '));
          if (this.ended) await this.sendStatusCallback();
          this.adoptRelayWaiting(w);
          // Later messages on the old socket are not delivered once it has ended.
          void pending.slice(i + 1);
          break;
        }
      }
      if (spoken.trim()) this.unprompted.push(spoken.replace(/\s+/g, ' ').trim());
      if (this.waiting === w) return;
    }
  }

  /** The session ended: Twilio closes the socket and requests the `<Connect action>` with HandoffData. */
  private async followRelayAction(w: RelayWaiting, handoffData: string | null, turn: TurnInProgress): Promise<void> {
    w.link.close();
    this.waiting = null;
    const seconds = Math.round((performance.now() - w.openedAt) / 1000);
    const params: Record<string, string> = { SessionId: w.link.sessionId, SessionStatus: handoffData === null ? 'failed' : 'completed',
      SessionDuration: String(seconds), ...(handoffData ? { HandoffData: handoffData } : {}) };
    if (!w.verb.action) return this.run(w.rest, w.docUrl, turn);
    const doc = await this.fetchDocument('action', resolveUrl(w.verb.action, w.docUrl), w.verb.method, params, turn);
    await this.run(doc.verbs, doc.url, turn);
  }

  private prompt(verb: Prompt, turn: TurnInProgress): void {
    if (verb.verb === 'Say' && verb.text) turn.says.push(verb.text);
    if (verb.verb !== 'Pause') turn.heard = true;
  }

  private end(reason: EndReason): void {
    this.waiting = null;
    this.ended = reason;
  }

  private async fetchDocument(purpose: RequestLog['purpose'], url: string, method: HttpMethod, extra: Record<string, string>, turn: TurnInProgress): Promise<{ verbs: Verb[]; url: string }> {
    if (++turn.documents > MAX_DOCUMENTS_PER_TURN) throw new CallFailure(`more than ${MAX_DOCUMENTS_PER_TURN} documents without caller input (a redirect loop?)`);
    const params = { ...this.baseParams(), CallStatus: this.callStatus, ...extra };
    const answer = await sendWebhook({ url, method, params, authToken: this.options.authToken, timeoutMs: this.options.timeoutMs });
    this.requests.push({ purpose, method, url, status: answer.status, latency_ms: answer.latency_ms });
    // The caller waits in silence until the first <Say> or <Play>.
    if (!turn.heard) turn.latency += answer.latency_ms;
    const where = `${method} ${pathOf(url)}`;
    if (answer.status < 200 || answer.status > 299) throw new CallFailure(`HTTP ${answer.status} from ${where}`);
    if (!/xml/i.test(answer.contentType)) throw new CallFailure(`content-type "${answer.contentType}" from ${where} is not XML`);
    try {
      const verbs = parseTwiml(answer.body);
      this.callStatus = 'in-progress';
      return { verbs, url: answer.url };
    } catch (error) {
      if (error instanceof TwimlError) throw new CallFailure(`invalid TwiML from ${where}: ${error.message}`);
      throw error;
    }
  }

  private async sendStatusCallback(): Promise<void> {
    const url = this.options.statusCallbackUrl;
    if (!url || this.statusCallback) return;
    const seconds = this.rejectedAs ? 0 : Math.ceil((performance.now() - this.startedAt) / 1000);
    const params = {
      ...this.baseParams(),
      CallStatus: this.rejectedAs ?? 'completed',
      CallDuration: String(seconds),
      Timestamp: new Date().toUTCString().replace('GMT', '+0000'),
      CallbackSource: 'call-progress-events',
      SequenceNumber: '0',
    };
    try {
      const answer = await sendWebhook({ url, method: 'POST', params, authToken: this.options.authToken, timeoutMs: this.options.timeoutMs });
      this.requests.push({ purpose: 'status', method: 'POST', url, status: answer.status, latency_ms: answer.latency_ms });
      this.statusCallback = { status: answer.status, latency_ms: answer.latency_ms };
    } catch (error) {
      if (!(error instanceof WebhookUnreachable)) throw error;
      this.statusCallback = { error: error.message };
    }
  }

  private baseParams(): Record<string, string> {
    const { accountSid, from, to } = this.options;
    return { AccountSid: accountSid, CallSid: this.callSid, From: from, To: to, Caller: from, Called: to, Direction: this.options.direction ?? 'inbound', ApiVersion: '2010-04-01' };
  }
}

/** Resolves an action or <Redirect> URL against the URL of the document holding it; fragments are never sent. */
export function resolveUrl(target: string, documentUrl: string): string {
  const url = new URL(target, documentUrl);
  url.hash = '';
  return url.toString();
}

function withQuery(url: string, query: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
  return u.toString();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}
