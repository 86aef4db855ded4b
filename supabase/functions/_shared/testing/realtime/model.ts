/**
 * The stand-in's "model": the project's local engine, so a scenario means the same thing in every
 * voice mode. The engine acts only through the tool registry's handlers; here those calls are
 * observed and replayed to the bridge as Realtime function calls (the bridge runs the same
 * handlers server-side and commits their actions), and the engine's reply becomes the spoken answer.
 * The call's config, team and customer come from the local database, found by the session's
 * `tracing.group_id` (the bridge sets it to the CallSid); the engine's own memory is kept per call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import postgres from 'postgres';
import type { Brain, HistoryEntry, TurnInput } from '../../brain/types.ts';
import { TOOLS } from '../../brain/tools/registry.ts';
import { createLocalBrain } from '../../brain/local/engine.ts';
import { isWithinHours } from '../../brain/hours.ts';
import { store } from '../../calls/store.ts';
import { meetingIntent } from '../../meetings/flow.ts';
import { MEETING_TOOL_NAME } from '../../calls/realtime/meeting_tool.ts';

export interface ToolCall {
  name: string;
  args: Record<string, unknown>;
}

export interface ModelTurn {
  toolCalls: ToolCall[];
  reply: string;
  /** The reply is the function's output, said word for word (the meeting step's). */
  sayOutput?: boolean;
}

const observed = new AsyncLocalStorage<ToolCall[]>();
let wrapped = false;

/** Makes every registry tool report its calls to the turn that is running (once per process). */
function observeTools(): void {
  if (wrapped) return;
  wrapped = true;
  for (const tool of TOOLS) {
    const handler = tool.handler;
    (tool as { handler: typeof handler }).handler = (args, tc) => {
      observed.getStore()?.push({ name: tool.name, args });
      return handler(args, tc);
    };
  }
}

export class LocalModel {
  private readonly brain: Brain;
  private readonly memory = new Map<string, Record<string, unknown>>();

  constructor(private readonly sql: postgres.Sql) {
    observeTools();
    this.brain = createLocalBrain();
  }

  /**
   * One turn of the call `callSid`, given the conversation as the session holds it. Words that a
   * gathered turn would give to the meeting step (the call's stored state says whether times are
   * on offer) become a call of the meeting function, as a model following its description would.
   */
  async turn(callSid: string, history: HistoryEntry[], input: TurnInput, o: { meetings?: boolean } = {}): Promise<ModelTurn> {
    const snap = await store.loadTurnContext(this.sql, callSid, null);
    if (!snap.config || !snap.team) throw new Error('the call has no config');
    const said = input.kind === 'speech' ? input.text : input.kind === 'digits' ? input.digits : '';
    if (o.meetings !== false && said && meetingIntent(said, snap.conversation.state ?? {}, snap.config.timezone)) {
      return { toolCalls: [{ name: MEETING_TOOL_NAME, args: { caller_said: said } }], reply: '', sayOutput: true };
    }
    const now = new Date();
    const calls: ToolCall[] = [];
    const result = await observed.run(calls, () =>
      this.brain.turn({
        callSid,
        conversationId: snap.conversation.id,
        direction: snap.conversation.direction,
        turnIndex: history.filter((h) => h.role === 'caller').length + 1,
        callerNumber: snap.conversation.direction === 'outbound'
          ? snap.conversation.to_number
          : snap.conversation.from_number,
        history,
        customer: snap.customer,
        config: snap.config!,
        team: snap.team!,
        state: this.memory.get(callSid) ?? snap.conversation.state ?? {},
        now,
        withinHours: isWithinHours(snap.config!, now),
        input,
      }, { searchKnowledge: (q, limit = 3) => store.searchKnowledge(this.sql, q, limit) }));
    this.memory.set(callSid, result.state);
    if (this.memory.size > 5000) this.memory.delete(this.memory.keys().next().value!);
    return { toolCalls: calls, reply: result.reply };
  }
}
