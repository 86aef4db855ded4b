/**
 * A `Brain` backed by a chat model: it tells the model about the call, lets it call the tools
 * (up to `maxRounds` model calls per turn), merges the tools' actions and reports tokens and cost.
 * It never writes anything itself: tools return actions, the webhook commits them.
 */
import type {
  Brain,
  BrainServices,
  Tool,
  ToolOutcome,
  TurnActions,
  TurnContext,
  TurnMeta,
  TurnResult,
} from '../types.ts';
import type { ChatMessage, ChatModel, ToolCall, ToolSpec, Usage } from './chat.ts';
import { detectLanguage } from '../speech/language.ts';
import { buildMessages, buildSystemPrompt } from './context.ts';
import { LlmError } from './errors.ts';
import { costUsd, DEFAULT_PRICES, priceFor, type PriceTable } from './prices.ts';
import { PROMPT_VERSION, TOOL_FAILED, UNKNOWN_TOOL } from './prompts.ts';
import { cleanReply, mergeActions, replyProblem } from './reply.ts';

/**
 * A brain with a name that honours an optional deadline signal and, streaming, hands each piece
 * of reply text to `onText` as the model yields it (extra arguments; `Brain` callers may omit them).
 */
export interface SignalBrain extends Brain {
  readonly name: string;
  turn(ctx: TurnContext, services: BrainServices, signal?: AbortSignal, onText?: (text: string) => void): Promise<TurnResult>;
}

/** A tool slower than this gets a short spoken filler first, so the caller does not hear dead air. */
export const TOOL_FILLER_AFTER_MS = 700;
export const TOOL_FILLER = 'One moment. ';

/** Markdown a voice would read out literally, dropped from a streamed piece. */
function speakable(delta: string): string {
  return delta.replace(/[*`#]+/g, '');
}

/** Turn metadata of an LLM turn: the model that answered, model calls made, prompt version. */
export interface LlmTurnMeta extends TurnMeta {
  model: string;
  rounds: number;
  prompt_version: string;
}

export interface LlmBrainOptions {
  /** Provider name reported in `meta.provider` ('openai', 'anthropic', 'groq', ...). */
  name: string;
  model: ChatModel;
  tools: readonly Tool[];
  /** Prices per million tokens by model id; defaults to `DEFAULT_PRICES`. */
  prices?: Readonly<PriceTable>;
  /** Model calls per turn (default 3); the last one may not call tools. */
  maxRounds?: number;
  /** Monotonic milliseconds, for latency. */
  clock?: () => number;
}

async function runTool(
  tool: Tool | undefined,
  call: ToolCall,
  ctx: TurnContext,
  services: BrainServices,
): Promise<ToolOutcome> {
  if (!tool) return { ok: false, result: UNKNOWN_TOOL(call.name), actions: {} };
  try {
    const out = await tool.handler(call.arguments, { turn: ctx, services });
    return { ok: out.ok !== false, result: String(out.result ?? ''), actions: out.actions ?? {} };
  } catch {
    return { ok: false, result: TOOL_FAILED(call.name), actions: {} };
  }
}

/** Create the tool-calling brain for one chat model. */
export function createLlmBrain(opts: LlmBrainOptions): SignalBrain {
  const clock = opts.clock ?? (() => performance.now());
  const maxRounds = Math.max(1, opts.maxRounds ?? 3);
  const prices = opts.prices ?? DEFAULT_PRICES;
  const byName = new Map(opts.tools.map((t) => [t.name as string, t]));
  const specs: ToolSpec[] = opts.tools.map(({ name, description, parameters }) => ({
    name,
    description,
    parameters,
  }));

  return {
    name: opts.name,
    async turn(ctx, services, signal, onText) {
      const started = clock();
      const system = buildSystemPrompt(ctx);
      const messages: ChatMessage[] = buildMessages(ctx);
      const usage: Usage = { input: 0, output: 0 };
      const said: string[] = [];
      const used: string[] = [];
      let actions: TurnActions = {};
      let model = opts.model.model;
      let rounds = 0;
      let streamed = '';
      let roundStart = false;
      const emit = onText && ((d: string) => {
        const piece = speakable(d);
        if (!piece) return;
        // A later round's text (or a filler) follows what was said before with a space.
        const text = roundStart && streamed && !/\s$/.test(streamed) && !/^\s/.test(piece) ? ` ${piece}` : piece;
        roundStart = false;
        streamed += text;
        onText(text);
      });

      while (rounds < maxRounds) {
        rounds++;
        roundStart = true;
        const last = rounds === maxRounds;
        const res = await opts.model.complete({
          system,
          messages,
          tools: specs,
          toolChoice: last ? 'none' : 'auto',
          signal,
          onTextDelta: emit || undefined,
        });
        usage.input += res.usage.input;
        usage.output += res.usage.output;
        model = res.model || model;
        if (res.text.trim()) said.push(res.text.trim());
        if (!res.toolCalls.length || last) break;
        messages.push({ role: 'assistant', content: res.text, toolCalls: res.toolCalls });
        for (const call of res.toolCalls) {
          const filler = emit && setTimeout(() => {
            roundStart = true;
            emit(TOOL_FILLER);
          }, TOOL_FILLER_AFTER_MS);
          const out = await runTool(byName.get(call.name), call, ctx, services);
          clearTimeout(filler || undefined);
          if (!used.includes(call.name)) used.push(call.name);
          actions = mergeActions(actions, out.actions);
          messages.push({
            role: 'tool',
            toolCallId: call.id,
            name: call.name,
            content: out.result,
            isError: !out.ok,
          });
        }
      }

      const reply = cleanReply(emit && streamed ? streamed : said.join(' '));
      const problem = replyProblem(reply);
      if (problem) {
        throw new LlmError(opts.name, 'bad_response', undefined, undefined, undefined, `${problem} reply`);
      }
      const priced = priceFor(prices, model) ? model : opts.model.model;
      const meta: LlmTurnMeta = {
        provider: opts.name,
        latency_ms: Math.round(clock() - started),
        tokens_in: usage.input,
        tokens_out: usage.output,
        cost_usd: costUsd(prices, priced, usage),
        tools: used,
        model,
        rounds,
        prompt_version: PROMPT_VERSION,
        language: ctx.input.kind === 'speech' ? detectLanguage(ctx.input.text) ?? undefined : undefined,
      };
      return { reply, actions, state: ctx.state, meta };
    },
  };
}
