/** A `ChatModel` that plays scripted responses and records every request, for tests without HTTP. */
import type { ChatModel, ChatRequest, ChatResponse, ToolCall } from '../chat.ts';

export type ScriptStep = string | {
  text?: string;
  toolCalls?: Omit<ToolCall, 'id'>[];
  usage?: { input: number; output: number };
} | Error;

export interface ScriptedModel extends ChatModel {
  readonly requests: ChatRequest[];
}

/** Each `complete` call takes the next step: a text, tool calls, or an error to throw. */
export function scriptedModel(steps: ScriptStep[], model = 'gpt-4o-mini'): ScriptedModel {
  const requests: ChatRequest[] = [];
  let n = 0;
  return {
    provider: 'scripted',
    model,
    requests,
    complete(req): Promise<ChatResponse> {
      // Keep a copy: the loop goes on appending to the same messages array.
      requests.push({ ...req, messages: [...req.messages] });
      const step = steps[n++];
      if (step === undefined) return Promise.reject(new Error('script exhausted'));
      if (step instanceof Error) return Promise.reject(step);
      const s = typeof step === 'string' ? { text: step } : step;
      return Promise.resolve({
        text: s.text ?? '',
        toolCalls: (s.toolCalls ?? []).map((c, i) => ({ ...c, id: `call_${n}_${i}` })),
        usage: s.usage ?? { input: 100, output: 20 },
        model,
        stopReason: s.toolCalls?.length ? 'tool_calls' : 'stop',
      });
    },
  };
}
