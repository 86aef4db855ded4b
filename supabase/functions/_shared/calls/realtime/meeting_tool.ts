/**
 * The meetings flow as a Realtime function. A gathered or relayed turn runs the meeting step
 * before the brain (meetings/flow.ts); a Realtime model answers by itself as soon as the caller
 * stops, so here the step is a function it calls: the bridge runs the same flow (real free
 * times, the slot committed before it is said) and the model says the result word for word.
 * Realtime only: every other brain has the step in front of it already.
 */
import type { Runtime } from '../../runtime/runtime.ts';
import type { TurnContext } from '../../brain/types.ts';
import { meetingTurn } from '../../meetings/flow.ts';
import { meetingDeps } from '../../meetings/runtime.ts';
import type { FunctionSchema } from './session_config.ts';

export const MEETING_TOOL_NAME = 'book_meeting';

/** The function's output when the caller's words are not a meeting step: the model answers them itself. */
export const NOT_A_MEETING_STEP = 'Nothing to book from these words. Answer the caller yourself.';

export const meetingTool: FunctionSchema = {
  name: MEETING_TOOL_NAME,
  description: 'Meetings with the team (a demo, an appointment, a walkthrough). Call it when the caller asks for one, ' +
    'and again with their answer when you have offered times. It finds real free times and books the one the ' +
    'caller picks. Say its result to the caller word for word, and nothing else for that turn.',
  parameters: {
    type: 'object',
    properties: { caller_said: { type: 'string', description: "The caller's words about the meeting, verbatim." } },
    required: ['caller_said'],
    additionalProperties: false,
  },
};

/**
 * Runs the meetings flow on the caller's words. Returns what to say and the call's new state, or
 * NOT_A_MEETING_STEP with the state unchanged.
 */
export async function runMeetingTool(rt: Runtime, ctx: TurnContext, args: Record<string, unknown>):
  Promise<{ output: string; state: Record<string, unknown> }> {
  const said = typeof args.caller_said === 'string' && args.caller_said.trim() ? args.caller_said.trim() : null;
  const input = said ? { kind: 'speech' as const, text: said } : ctx.input;
  const result = await meetingTurn(meetingDeps(rt), { ...ctx, state: { ...ctx.state }, input });
  if (!result) return { output: NOT_A_MEETING_STEP, state: ctx.state };
  return { output: result.reply, state: result.state };
}
