/** end_call: hang up after the reply (the caller said goodbye, or the call has nothing left to do). */
import type { Tool } from '../types.ts';

export const endCall: Tool = {
  name: 'end_call',
  description: 'End the call after your reply. Use it after saying goodbye, when the caller is done.',
  parameters: {
    type: 'object',
    properties: { reason: { type: 'string', description: 'Why the call ends, e.g. "caller said goodbye".' } },
    additionalProperties: false,
  },
  handler: () =>
    Promise.resolve({ ok: true, result: 'The call will end after your reply.', actions: { hangup: true } }),
};
