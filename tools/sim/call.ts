import { performance } from 'node:perf_hooks';
import { type CallerInput, describeInput, gatherOutcome, newSid, recordOutcome, type InputOutcome } from './caller-input.ts';
import { sendWebhook, WebhookUnreachable } from './twilio-request.ts';
import { parseTwiml, TwimlError, type Gather, type HttpMethod, type Prompt, type RecordVerb, type Verb } from './twiml.ts';

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
};

type Waiting = { kind: 'gather'; verb: Gather; docUrl: string; rest: Verb[] } | { kind: 'record'; verb: RecordVerb; docUrl: string; rest: Verb[] };
type TurnInProgress = { caller: string | null; says: string[]; latency: number; heard: boolean; documents: number };

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
  private waiting: Waiting | null = null;
  private transferred = false;
  private rejectedAs: 'busy' | 'no-answer' | null = null;
  private callStatus: 'ringing' | 'in-progress' = 'ringing';
  private startedAt = 0;

  constructor(private readonly options: CallOptions) {
    this.callSid = options.callSid ?? newSid('CA');
  }

  /** What the caller waits on: speech and/or keys for a <Gather>, a message for a <Record>, nothing once ended. */
  get listening(): { kind: 'gather'; input: Gather['input'] } | { kind: 'record' } | null {
    if (!this.waiting) return null;
    return this.waiting.kind === 'gather' ? { kind: 'gather', input: this.waiting.verb.input } : { kind: 'record' };
  }

  /** Rings the Voice URL and plays until the agent waits for the caller; returns the greeting. */
  async start(): Promise<Turn> {
    if (this.startedAt) throw new Error('the call has already started');
    this.startedAt = performance.now();
    return this.playTurn(null, async (turn) => {
      const doc = await this.fetchDocument('voice', this.options.voiceUrl, 'POST', {}, turn);
      await this.run(doc.verbs, doc.url, turn, true);
    });
  }

  /** The caller's next input; returns the agent's answer to it. */
  async send(input: CallerInput): Promise<Turn> {
    const waiting = this.waiting;
    if (!waiting) throw new Error(this.ended ? 'the call has ended' : 'the call has not started');
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
        case 'Hangup':
          return this.end(this.transferred ? 'transfer' : 'agent_hangup');
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

function pathOf(url: string): string {
  return new URL(url).pathname;
}
