/**
 * OpenAI Chat Completions (streaming, with tools) through the official SDK. Any
 * OpenAI-compatible server (Ollama, vLLM, LM Studio, Groq) works by base URL.
 */
import OpenAI from 'openai';
import {
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type ChatResponse,
  parseArguments,
} from './chat.ts';
import { LlmError, requireSettings, toLlmError } from './errors.ts';

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAiChatOptions {
  apiKey: string | undefined;
  model: string;
  /** Ends in `/v1`: the SDK posts to `{baseURL}/chat/completions`. */
  baseURL?: string;
  /** The name this model reports in turn metadata and errors (default 'openai'). */
  provider?: string;
  /** The name a missing key is reported by (default 'OPENAI_API_KEY'). */
  keyName?: string;
  /** Local OpenAI-compatible servers (Ollama, LM Studio) need no key. */
  keyOptional?: boolean;
  /** The SDK's own timeout, a backstop: the caller's AbortSignal is the real deadline. */
  timeoutMs?: number;
  maxTokens?: number;
  temperature?: number;
  fetch?: typeof fetch;
}

type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsStreaming;
type Chunk = OpenAI.Chat.Completions.ChatCompletionChunk;
type WireMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

/** Map neutral messages to Chat Completions messages (system first, tool results as role 'tool'). */
export function toOpenAiMessages(system: string, messages: ChatMessage[]): WireMessage[] {
  const out: WireMessage[] = [{ role: 'system', content: system }];
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content });
    else if (m.role === 'tool') out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.content });
    else if (m.toolCalls?.length) {
      out.push({
        role: 'assistant',
        content: m.content || null,
        tool_calls: m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function' as const,
          function: { name: c.name, arguments: JSON.stringify(c.arguments) },
        })),
      });
    } else out.push({ role: 'assistant', content: m.content });
  }
  return out;
}

/** Assemble a streamed completion: text pieces, tool calls keyed by `index`, the usage chunk. */
class Assembly {
  text = '';
  model = '';
  stopReason: string | null = null;
  usage = { input: 0, output: 0 };
  calls: { id: string; name: string; args: string }[] = [];

  add(chunk: Chunk, onText?: (d: string) => void): void {
    if (chunk.model) this.model = chunk.model;
    // With include_usage the last chunk has `choices: []` and the totals; earlier ones `usage: null`.
    if (chunk.usage) {
      this.usage = { input: chunk.usage.prompt_tokens ?? 0, output: chunk.usage.completion_tokens ?? 0 };
    }
    const choice = chunk.choices?.[0];
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (delta.content) {
      this.text += delta.content;
      onText?.(delta.content);
    }
    delta.tool_calls?.forEach((tc, i) => {
      // Some compatible servers omit `index` when they send each call whole.
      const slot = this.calls[tc.index ?? i] ??= { id: '', name: '', args: '' };
      if (tc.id) slot.id = tc.id;
      if (tc.function?.name) slot.name = tc.function.name;
      if (tc.function?.arguments) slot.args += tc.function.arguments;
    });
    if (choice.finish_reason) this.stopReason = choice.finish_reason;
  }

  finish(provider: string, requested: string): ChatResponse {
    if (this.stopReason === null) {
      throw new LlmError(provider, 'bad_response', undefined, undefined, undefined, 'stream ended early');
    }
    const toolCalls = this.calls.filter(Boolean).map((c, i) => {
      const args = parseArguments(c.args);
      if (!args || !c.name) {
        throw new LlmError(provider, 'bad_response', undefined, undefined, undefined, 'malformed tool call');
      }
      return { id: c.id || `call_${i}`, name: c.name, arguments: args };
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

/** Create a `ChatModel` for OpenAI or an OpenAI-compatible server. Throws `MissingSettingError`. */
export function createOpenAiChat(opts: OpenAiChatOptions): ChatModel {
  const provider = opts.provider ?? 'openai';
  requireSettings(provider, opts, 'OPENAI_API_KEY');
  const baseURL = opts.baseURL ?? OPENAI_DEFAULT_BASE_URL;
  const client = new OpenAI({
    // The SDK refuses to start without a key, even for servers that ignore it.
    apiKey: opts.apiKey || 'no-key',
    baseURL,
    organization: null, // null (not undefined) keeps the SDK from reading OPENAI_ORG_ID / OPENAI_PROJECT_ID
    project: null,
    maxRetries: 0,
    timeout: opts.timeoutMs ?? 15_000,
    logLevel: 'off', // its parse-error logging would print stream contents
    fetch: opts.fetch,
  });
  // OpenAI's newer models accept only max_completion_tokens; older compatible servers only max_tokens.
  const maxField = new URL(baseURL).hostname === 'api.openai.com' ? 'max_completion_tokens' : 'max_tokens';

  return {
    provider,
    model: opts.model,
    async complete(req: ChatRequest): Promise<ChatResponse> {
      const params: Params = {
        model: opts.model,
        messages: toOpenAiMessages(req.system, req.messages),
        stream: true,
        stream_options: { include_usage: true },
        [maxField]: opts.maxTokens ?? 400,
        ...(opts.temperature === undefined ? {} : { temperature: opts.temperature }),
        ...(req.tools.length
          ? {
            tools: req.tools.map((t) => ({
              type: 'function' as const,
              function: { name: t.name, description: t.description, parameters: t.parameters },
            })),
            tool_choice: req.toolChoice ?? 'auto',
          }
          : {}),
      };
      const acc = new Assembly();
      try {
        const stream = await client.chat.completions.create(params, { signal: req.signal });
        for await (const chunk of stream) acc.add(chunk, req.onTextDelta);
      } catch (err) {
        throw toLlmError(provider, err, req.signal);
      }
      // The SDK ends the iteration quietly when the signal aborts mid-stream.
      if (req.signal?.aborted) throw new LlmError(provider, 'aborted');
      return acc.finish(provider, opts.model);
    },
  };
}
