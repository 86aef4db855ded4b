/** Anthropic Messages (streaming, with tools) through the official SDK. */
import Anthropic from '@anthropic-ai/sdk';
import {
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  parseArguments,
} from './chat.ts';
import { LlmError, requireSettings, toLlmError } from './errors.ts';

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

export interface AnthropicChatOptions {
  apiKey: string | undefined;
  model: string;
  /** Without `/v1`: the SDK posts to `{baseURL}/v1/messages`. */
  baseURL?: string;
  /** The name this model reports in turn metadata and errors (default 'anthropic'). */
  provider?: string;
  /** The name a missing key is reported by (default 'ANTHROPIC_API_KEY'). */
  keyName?: string;
  /** Compatible servers that need no key. */
  keyOptional?: boolean;
  /** The SDK's own timeout, a backstop: the caller's AbortSignal is the real deadline. */
  timeoutMs?: number;
  maxTokens?: number;
  temperature?: number;
  fetch?: typeof fetch;
}

type Block = Anthropic.ContentBlockParam;
type WireMessage = { role: 'user' | 'assistant'; content: Block[] };

/** Stands in for the caller's first words when the transcript starts with the agent's greeting. */
const CALL_CONNECTED = '(The call is connected.)';

/**
 * Map neutral messages to Messages API turns: tool results become `tool_result` blocks in a user
 * turn, consecutive turns of one role are merged, empty text blocks are dropped (the API rejects
 * them), and the first turn is a user turn.
 */
export function toAnthropicMessages(messages: ChatMessage[]): WireMessage[] {
  const out: WireMessage[] = [];
  const push = (role: WireMessage['role'], blocks: Block[]) => {
    if (!blocks.length) return;
    const last = out.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else out.push({ role, content: blocks });
  };
  const text = (t: string): Block[] => (t.trim() ? [{ type: 'text', text: t }] : []);
  for (const m of messages) {
    if (m.role === 'user') push('user', text(m.content));
    else if (m.role === 'tool') {
      push('user', [{
        type: 'tool_result',
        tool_use_id: m.toolCallId,
        content: m.content,
        is_error: m.isError ?? false,
      }]);
    } else {
      const uses: Block[] = (m.toolCalls ?? []).map((c) => ({
        type: 'tool_use',
        id: c.id,
        name: c.name,
        input: c.arguments,
      }));
      push('assistant', [...text(m.content), ...uses]);
    }
  }
  // A user turn must open with its tool_result blocks.
  for (const m of out) {
    if (m.role === 'user') {
      m.content.sort((a, b) => Number(b.type === 'tool_result') - Number(a.type === 'tool_result'));
    }
  }
  if (out[0]?.role !== 'user') {
    out.unshift({ role: 'user', content: [{ type: 'text', text: CALL_CONNECTED }] });
  }
  return out;
}

/** Assemble a streamed message from its events (message_start … message_stop). */
class Assembly {
  text = '';
  model = '';
  stopReason: string | null = null;
  stopped = false;
  usage = { input: 0, output: 0 };
  uses = new Map<number, { id: string; name: string; json: string }>();

  add(ev: Anthropic.RawMessageStreamEvent, onText?: (d: string) => void): void {
    switch (ev.type) {
      case 'message_start': {
        const u = ev.message.usage;
        this.model = ev.message.model;
        this.usage = {
          input: (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) +
            (u.cache_read_input_tokens ?? 0),
          output: u.output_tokens ?? 0,
        };
        break;
      }
      case 'content_block_start':
        if (ev.content_block.type === 'tool_use') {
          const { id, name, input } = ev.content_block;
          const seed = input && Object.keys(input as object).length ? JSON.stringify(input) : '';
          this.uses.set(ev.index, { id, name, json: seed });
        } else if (ev.content_block.type === 'text' && ev.content_block.text) {
          this.text += ev.content_block.text;
        }
        break;
      case 'content_block_delta':
        if (ev.delta.type === 'text_delta') {
          this.text += ev.delta.text;
          onText?.(ev.delta.text);
        } else if (ev.delta.type === 'input_json_delta') {
          const use = this.uses.get(ev.index);
          if (use) use.json += ev.delta.partial_json;
        }
        break;
      case 'message_delta':
        // message_delta usage is cumulative for the whole message.
        if (ev.usage?.output_tokens != null) this.usage.output = ev.usage.output_tokens;
        if (ev.usage?.input_tokens != null) this.usage.input = ev.usage.input_tokens;
        if (ev.delta.stop_reason) this.stopReason = ev.delta.stop_reason;
        break;
      case 'message_stop':
        this.stopped = true;
        break;
    }
  }

  finish(provider: string, requested: string): ChatResponse {
    if (!this.stopped) {
      throw new LlmError(provider, 'bad_response', undefined, undefined, undefined, 'stream ended early');
    }
    const toolCalls = [...this.uses.entries()].sort(([a], [b]) => a - b).map(([, u]) => {
      const args = parseArguments(u.json);
      if (!args) {
        throw new LlmError(provider, 'bad_response', undefined, undefined, undefined, 'malformed tool call');
      }
      return { id: u.id, name: u.name, arguments: args };
    });
    return {
      text: this.text,
      toolCalls,
      usage: this.usage,
      model: this.model || requested,
      stopReason: this.stopReason,
    };
  }
}

/** Create a `ChatModel` for Anthropic's Messages API. Throws `MissingSettingError`. */
export function createAnthropicChat(opts: AnthropicChatOptions): ChatModel {
  const provider = opts.provider ?? 'anthropic';
  requireSettings(provider, opts, 'ANTHROPIC_API_KEY');
  const client = new Anthropic({
    // A credential passed here keeps the SDK from looking in the environment or profile files.
    apiKey: opts.apiKey || 'no-key',
    baseURL: opts.baseURL ?? ANTHROPIC_DEFAULT_BASE_URL,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 15_000,
    logLevel: 'off', // its parse-error logging would print stream contents
    fetch: opts.fetch,
  });

  return {
    provider,
    model: opts.model,
    async complete(req: ChatRequest): Promise<ChatResponse> {
      const params: Anthropic.MessageCreateParamsStreaming = {
        model: opts.model,
        max_tokens: opts.maxTokens ?? 400,
        system: req.system,
        messages: toAnthropicMessages(req.messages),
        stream: true,
        ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
        ...(req.tools.length
          ? {
            tools: req.tools.map((t) => ({
              name: t.name,
              description: t.description,
              input_schema: t.parameters as Anthropic.Tool.InputSchema,
            })),
            tool_choice: { type: req.toolChoice ?? 'auto' },
          }
          : {}),
      };
      const acc = new Assembly();
      try {
        const stream = await client.messages.create(params, { signal: req.signal });
        for await (const ev of stream) acc.add(ev, req.onTextDelta);
      } catch (err) {
        throw toLlmError(provider, err, req.signal);
      }
      // The SDK ends the iteration quietly when the signal aborts mid-stream.
      if (req.signal?.aborted) throw new LlmError(provider, 'aborted');
      return acc.finish(provider, opts.model);
    },
  };
}
