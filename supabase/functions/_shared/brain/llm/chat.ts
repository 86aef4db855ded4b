/**
 * One interface for a streaming chat model that can call tools, in a provider-neutral form.
 * Adapters (`openai.ts`, `anthropic.ts`) translate it to and from each vendor's wire protocol.
 */
import type { JsonSchema } from '../types.ts';

/** A tool call the model asked for, with its arguments already parsed from JSON. */
export interface ToolCall {
  id: string;
  name: string;
  arguments: Record<string, unknown>;
}

/** The conversation so far; the system prompt travels separately in `ChatRequest.system`. */
export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

/** What the model is told about a tool. */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonSchema;
}

export interface ChatRequest {
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  /** 'none' forbids further tool calls (the tools stay declared, which both vendors require once used). */
  toolChoice?: 'auto' | 'none';
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in (for streaming speech later). */
  onTextDelta?: (delta: string) => void;
}

export interface Usage {
  input: number;
  output: number;
}

export interface ChatResponse {
  text: string;
  toolCalls: ToolCall[];
  usage: Usage;
  /** The model id the server reports having used. */
  model: string;
  /** The vendor's stop reason, as sent ('stop', 'tool_calls', 'end_turn', 'tool_use', ...). */
  stopReason: string | null;
}

/** A chat model assembled from its stream; `provider` and `model` name it in turn metadata. */
export interface ChatModel {
  readonly provider: string;
  readonly model: string;
  complete(req: ChatRequest): Promise<ChatResponse>;
}

/** Parse a tool call's accumulated JSON arguments; `undefined` when they are not a JSON object. */
export function parseArguments(json: string): Record<string, unknown> | undefined {
  if (json.trim() === '') return {};
  try {
    const v = JSON.parse(json);
    return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
