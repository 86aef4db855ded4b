/**
 * One Realtime API session as the stand-in plays it: the GA WebSocket protocol (session.update,
 * input_audio_buffer.*, conversation.item.*, response.*), server VAD on the real audio, an idle
 * timeout, function calls, audio replies in mu-law deltas with their transcripts, cancellation on
 * barge-in and truncation. Audio in: `audio/pcmu` only, as the bridge configures it.
 */
import type { HistoryEntry, TurnInput } from '../../brain/types.ts';
import { INPUT_NOTES } from '../../brain/llm/prompts.ts';
import { FRAME_BYTES, FRAME_MS, framesOf, fromBase64, speak, toBase64 } from './audio.ts';
import type { Recognizer } from './recognizer.ts';
import { Vad } from './vad.ts';
import type { LocalModel, ToolCall } from './model.ts';
import { NOT_A_MEETING_STEP } from '../../calls/realtime/meeting_tool.ts';

type Json = Record<string, unknown>;

interface Item {
  id: string;
  type: 'message' | 'function_call' | 'function_call_output';
  role?: 'user' | 'assistant' | 'system';
  text: string;
  truncated?: boolean;
}

interface ActiveResponse {
  id: string;
  cancelled: boolean;
}

export interface SessionHooks {
  recognizer: Recognizer;
  model: LocalModel;
  /** Calls whose session is to fail abruptly at their next utterance (test channel). */
  failing: Set<string>;
  log: (message: string, fields?: Json) => void;
}

let counter = 0;
const id = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++counter).toString(36).padStart(6, '0')}`;

/** Audio per delta: 200 ms, sent ahead of real time as the real API does. */
const DELTA_FRAMES = 10;
const GREETING = /exactly these words and nothing else:\s*([\s\S]+)$/;
const KEYPAD = /^\(The caller pressed ([0-9*#]+) on the keypad\.\)$/;

export class StandInSession {
  private readonly sessionId = id('sess');
  private session: Json = { type: 'realtime', model: 'gpt-realtime', instructions: '', tools: [],
    audio: { input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad',
      silence_duration_ms: 500, prefix_padding_ms: 300, create_response: true, interrupt_response: true } },
      output: { format: { type: 'audio/pcmu' }, voice: 'marin' } } };
  private items: Item[] = [];
  private vad = new Vad({ silenceDurationMs: 500, prefixPaddingMs: 300 });
  private leftover = new Uint8Array();
  private active: ActiveResponse | null = null;
  private plannedReply: string | null = null;
  /** After the function calls: say the last function's output (the meeting step), or answer `input` if it was none. */
  private sayOutputOf: TurnInput | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private work: Promise<void> = Promise.resolve();
  private closed = false;
  private userItem: string | null = null;

  constructor(private readonly socket: WebSocket, private readonly hooks: SessionHooks) {
    socket.onopen = () => this.emit('session.created', { session: { ...this.session, id: this.sessionId } });
    socket.onmessage = (e) => this.receive(e.data);
    socket.onclose = () => {
      this.closed = true;
      this.clearIdle();
    };
  }

  private get callSid(): string {
    const tracing = this.session.tracing as Json | undefined;
    return typeof tracing?.group_id === 'string' ? tracing.group_id : '';
  }

  private emit(type: string, body: Json = {}): void {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(JSON.stringify({ type, event_id: id('event'), ...body }));
  }

  private error(message: string, event_id?: string, code = 'invalid_request_error'): void {
    this.emit('error', { error: { type: 'invalid_request_error', code, message, param: null, event_id: event_id ?? null } });
  }

  private serial(task: () => Promise<void>): void {
    this.work = this.work.then(task).catch((err) => {
      this.hooks.log('stand-in turn failed', { error: err instanceof Error ? err.message : String(err) });
      this.error('The server had an error while processing your request.', undefined, 'server_error');
    });
  }

  private receive(data: unknown): void {
    let e: Json;
    try {
      e = JSON.parse(String(data));
    } catch {
      return this.error('Invalid JSON');
    }
    const eventId = typeof e.event_id === 'string' ? e.event_id : undefined;
    switch (e.type) {
      case 'session.update':
        return this.update(e.session as Json, eventId);
      case 'input_audio_buffer.append':
        return this.append(String(e.audio ?? ''));
      case 'input_audio_buffer.clear':
        this.vad.reset();
        return this.emit('input_audio_buffer.cleared');
      case 'conversation.item.create':
        return this.createItem(e.item as Json, eventId);
      case 'conversation.item.truncate':
        return this.truncate(String(e.item_id ?? ''), Number(e.audio_end_ms), eventId);
      case 'response.create':
        return this.serial(() => this.respond((e.response ?? {}) as Json));
      case 'response.cancel':
        if (this.active) this.active.cancelled = true;
        return;
      default:
        return this.error(`Invalid value: '${String(e.type)}'`, eventId);
    }
  }

  private update(patch: Json, eventId?: string): void {
    if (!patch || patch.type !== 'realtime') return this.error("Missing required parameter: 'session.type'", eventId);
    const audio = patch.audio as Json | undefined;
    const input = audio?.input as Json | undefined;
    const format = (input?.format as Json | undefined)?.type;
    if (format && format !== 'audio/pcmu') {
      return this.error('The stand-in takes audio/pcmu only, as the bridge configures it', eventId);
    }
    this.session = { ...this.session, ...patch, audio: { ...(this.session.audio as Json), ...(audio ?? {}) } };
    const td = (input?.turn_detection ?? {}) as Json;
    this.vad = new Vad({ silenceDurationMs: Number(td.silence_duration_ms ?? 500),
      prefixPaddingMs: Number(td.prefix_padding_ms ?? 300) });
    this.emit('session.updated', { session: { ...this.session, id: this.sessionId } });
  }

  private get turnDetection(): Json {
    return (((this.session.audio as Json).input as Json).turn_detection ?? {}) as Json;
  }

  private append(b64: string): void {
    const bytes = fromBase64(b64);
    const all = new Uint8Array(this.leftover.length + bytes.length);
    all.set(this.leftover);
    all.set(bytes, this.leftover.length);
    const whole = all.length - (all.length % FRAME_BYTES);
    this.leftover = all.slice(whole);
    for (const frame of framesOf(all.subarray(0, whole))) {
      const ev = this.vad.push(frame);
      if (ev?.kind === 'speech_started') this.speechStarted(ev.audioStartMs);
      if (ev?.kind === 'speech_stopped') this.speechStopped(ev.audioEndMs, ev.frames);
    }
  }

  private speechStarted(audioStartMs: number): void {
    this.clearIdle();
    this.userItem = id('item');
    this.emit('input_audio_buffer.speech_started', { audio_start_ms: audioStartMs, item_id: this.userItem });
    if (this.active && this.turnDetection.interrupt_response !== false) this.active.cancelled = true;
  }

  private speechStopped(audioEndMs: number, frames: Uint8Array[]): void {
    const itemId = this.userItem ?? id('item');
    this.userItem = null;
    this.emit('input_audio_buffer.speech_stopped', { audio_end_ms: audioEndMs, item_id: itemId });
    const previous = this.items.at(-1)?.id ?? null;
    this.emit('input_audio_buffer.committed', { previous_item_id: previous, item_id: itemId });
    const transcript = this.hooks.recognizer.recognise(frames) ?? '';
    const item: Item = { id: itemId, type: 'message', role: 'user', text: transcript };
    this.items.push(item);
    this.emit('conversation.item.added', { previous_item_id: previous,
      item: { id: itemId, type: 'message', role: 'user', status: 'completed',
        content: [{ type: 'input_audio', transcript: null }] } });
    if (this.callSid && this.hooks.failing.delete(this.callSid)) {
      this.hooks.log('failing the session on request of the test channel');
      this.socket.close(1011, 'stand-in told to fail');
      return;
    }
    this.emit('conversation.item.input_audio_transcription.completed',
      { item_id: itemId, content_index: 0, transcript, usage: { type: 'duration', seconds: frames.length / 50 } });
    if (this.turnDetection.create_response === false) return;
    const input: TurnInput = transcript ? { kind: 'speech', text: transcript } : { kind: 'silence' };
    this.serial(() => this.think(input));
  }

  private createItem(item: Json, eventId?: string): void {
    if (!item || typeof item.type !== 'string') return this.error("Missing required parameter: 'item'", eventId);
    const itemId = typeof item.id === 'string' ? item.id : id('item');
    const content = Array.isArray(item.content) ? item.content as Json[] : [];
    const text = item.type === 'function_call_output' ? String(item.output ?? '')
      : content.map((c) => String(c.text ?? c.transcript ?? '')).join(' ');
    const role = item.role as Item['role'];
    this.items.push({ id: itemId, type: item.type as Item['type'], role, text });
    this.emit('conversation.item.added', { previous_item_id: null, item: { ...item, id: itemId, status: 'completed' } });
    this.emit('conversation.item.done', { previous_item_id: null, item: { ...item, id: itemId, status: 'completed' } });
  }

  private truncate(itemId: string, audioEndMs: number, eventId?: string): void {
    const item = this.items.find((i) => i.id === itemId);
    if (!item || item.role !== 'assistant') return this.error(`Item ${itemId} not found or not an assistant message`, eventId);
    if (!Number.isFinite(audioEndMs) || audioEndMs < 0) return this.error('Invalid audio_end_ms', eventId);
    item.truncated = true;
    this.emit('conversation.item.truncated', { item_id: itemId, content_index: 0, audio_end_ms: audioEndMs });
  }

  /** The conversation as the model sees it. */
  private history(): HistoryEntry[] {
    const at = new Date().toISOString();
    return this.items.filter((i) => i.type === 'message' && i.role !== 'system' && i.text && !KEYPAD.test(i.text))
      .map((i) => ({ role: i.role === 'user' ? 'caller' as const : 'agent' as const, content: i.text, at }));
  }

  private async respond(options: Json): Promise<void> {
    this.clearIdle();
    const instructions = typeof options.instructions === 'string' ? options.instructions : '';
    const greeting = GREETING.exec(instructions);
    if (greeting) return await this.speakReply(greeting[1].trim());
    if (this.sayOutputOf) {
      const input = this.sayOutputOf;
      this.sayOutputOf = null;
      const output = this.items.findLast((i) => i.type === 'function_call_output')?.text ?? '';
      if (output && output !== NOT_A_MEETING_STEP) return await this.speakReply(output);
      return await this.think(input, { meetings: false });
    }
    if (this.plannedReply !== null) {
      const reply = this.plannedReply;
      this.plannedReply = null;
      return await this.speakReply(reply);
    }
    const last = this.items.at(-1);
    const keypad = last?.role === 'user' ? KEYPAD.exec(last.text) : null;
    if (keypad) return await this.think({ kind: 'digits', digits: keypad[1] });
    if (last?.role === 'user' && last.text) return await this.think({ kind: 'speech', text: last.text });
  }

  /** The model's turn: function calls first (their outputs come back, then response.create), else speech. */
  private async think(input: TurnInput, o: { meetings?: boolean } = {}): Promise<void> {
    if (!this.callSid) return await this.speakReply(INPUT_NOTES.silence);
    const history = this.history();
    const last = history.at(-1);
    // The model's history is what came before this input.
    if (input.kind === 'speech' && last?.role === 'caller' && last.content === input.text) history.pop();
    const turn = await this.hooks.model.turn(this.callSid, history, input, o);
    if (turn.toolCalls.length) {
      if (turn.sayOutput) this.sayOutputOf = input;
      else this.plannedReply = turn.reply;
      return this.functionCalls(turn.toolCalls);
    }
    await this.speakReply(turn.reply);
  }

  private functionCalls(calls: ToolCall[]): void {
    const responseId = id('resp');
    this.emit('response.created', { response: { id: responseId, object: 'realtime.response', status: 'in_progress',
      output: [] } });
    const output: Json[] = [];
    calls.forEach((call, index) => {
      const item = { id: id('item'), type: 'function_call', status: 'in_progress', call_id: id('call'),
        name: call.name, arguments: '' };
      const args = JSON.stringify(call.args);
      this.emit('response.output_item.added', { response_id: responseId, output_index: index, item });
      this.emit('response.function_call_arguments.delta', { response_id: responseId, item_id: item.id,
        output_index: index, call_id: item.call_id, delta: args });
      this.emit('response.function_call_arguments.done', { response_id: responseId, item_id: item.id,
        output_index: index, call_id: item.call_id, name: call.name, arguments: args });
      const done = { ...item, status: 'completed', arguments: args };
      this.emit('response.output_item.done', { response_id: responseId, output_index: index, item: done });
      this.items.push({ id: item.id, type: 'function_call', text: args });
      output.push(done);
    });
    this.emit('response.done', { response: { id: responseId, object: 'realtime.response', status: 'completed',
      output, usage: { total_tokens: 0, input_tokens: 0, output_tokens: 0 } } });
  }

  private async speakReply(text: string): Promise<void> {
    const responseId = id('resp');
    const itemId = id('item');
    const response: ActiveResponse = { id: responseId, cancelled: false };
    this.active = response;
    this.emit('response.created', { response: { id: responseId, object: 'realtime.response', status: 'in_progress',
      output: [] } });
    const item = { id: itemId, type: 'message', role: 'assistant', status: 'in_progress', content: [] };
    this.emit('response.output_item.added', { response_id: responseId, output_index: 0, item });
    this.emit('response.content_part.added', { response_id: responseId, item_id: itemId, output_index: 0,
      content_index: 0, part: { type: 'audio', transcript: '' } });
    const audio = await speak(text, String((this.session as Json).language ?? 'en-US'));
    const utterance = this.hooks.recognizer.register(text, audio);
    const frames = framesOf(audio);
    const words = text.split(/\s+/);
    const chunks = Math.ceil(frames.length / DELTA_FRAMES);
    let sentWords = 0;
    let sentFrames = 0;
    for (let c = 0; c < chunks && !response.cancelled && !this.closed; c++) {
      const part = audio.subarray(c * DELTA_FRAMES * FRAME_BYTES, (c + 1) * DELTA_FRAMES * FRAME_BYTES);
      if (c === 0) this.hooks.recognizer.sent(utterance, this.callSid, performance.timeOrigin + performance.now());
      this.emit('response.output_audio.delta', { response_id: responseId, item_id: itemId, output_index: 0,
        content_index: 0, delta: toBase64(part) });
      const upTo = Math.round(words.length * (c + 1) / chunks);
      if (upTo > sentWords) {
        this.emit('response.output_audio_transcript.delta', { response_id: responseId, item_id: itemId,
          output_index: 0, content_index: 0, delta: (sentWords ? ' ' : '') + words.slice(sentWords, upTo).join(' ') });
        sentWords = upTo;
      }
      sentFrames += part.length / FRAME_BYTES;
      // Ahead of real time, but leaving room for a barge-in to cancel the rest.
      await new Promise((r) => setTimeout(r, 5));
    }
    const status = response.cancelled ? 'cancelled' : 'completed';
    const spoken = response.cancelled ? words.slice(0, sentWords).join(' ') : text;
    this.items.push({ id: itemId, type: 'message', role: 'assistant', text: spoken });
    if (!response.cancelled) {
      this.emit('response.output_audio.done', { response_id: responseId, item_id: itemId, output_index: 0, content_index: 0 });
      this.emit('response.output_audio_transcript.done', { response_id: responseId, item_id: itemId, output_index: 0,
        content_index: 0, transcript: text });
      this.emit('response.content_part.done', { response_id: responseId, item_id: itemId, output_index: 0,
        content_index: 0, part: { type: 'audio', transcript: text } });
    }
    const done = { ...item, status: response.cancelled ? 'incomplete' : 'completed',
      content: [{ type: 'output_audio', transcript: spoken }] };
    this.emit('response.output_item.done', { response_id: responseId, output_index: 0, item: done });
    this.emit('response.done', { response: { id: responseId, object: 'realtime.response', status,
      status_details: response.cancelled ? { type: 'cancelled', reason: 'turn_detected' } : null, output: [done],
      usage: { total_tokens: 0, input_tokens: 0, output_tokens: 0 } } });
    if (this.active === response) this.active = null;
    if (!response.cancelled) this.armIdle(sentFrames * FRAME_MS);
  }

  /** server_vad's idle_timeout_ms: counted from when the reply will have finished playing. */
  private armIdle(playMs: number): void {
    const idle = Number(this.turnDetection.idle_timeout_ms ?? 0);
    if (!idle) return;
    this.clearIdle();
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.vad.inSpeech || this.closed) return;
      const itemId = id('item');
      this.emit('input_audio_buffer.timeout_triggered', { audio_start_ms: 0, audio_end_ms: 0, item_id: itemId });
      this.items.push({ id: itemId, type: 'message', role: 'user', text: '' });
      this.serial(() => this.think({ kind: 'silence' }));
    }, playMs + idle);
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
