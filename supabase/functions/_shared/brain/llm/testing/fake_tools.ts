/**
 * Small stand-ins for the real tools (brain/tools/registry.ts), with the same names and the same
 * contract (arguments in, `ToolOutcome` with actions out), for testing the loop on its own.
 */
import type { LeadFields, Tool } from '../../types.ts';

const LEAD_KEYS = ['name', 'company', 'email', 'phone', 'need', 'timeline'] as const;

export const fakeCaptureLead: Tool = {
  name: 'capture_lead',
  description: 'Save details the caller gave about themselves: name, company, email, phone, need, timeline.',
  parameters: {
    type: 'object',
    properties: Object.fromEntries(LEAD_KEYS.map((k) => [k, { type: 'string' }])),
    additionalProperties: false,
  },
  handler(args) {
    const lead: LeadFields = {};
    for (const k of LEAD_KEYS) {
      if (typeof args[k] === 'string' && args[k]) lead[k] = (args[k] as string).trim();
    }
    if (!Object.keys(lead).length) {
      return Promise.resolve({
        ok: false,
        result: 'Nothing to save: ask the caller for the detail again.',
        actions: {},
      });
    }
    return Promise.resolve({ ok: true, result: `Saved ${Object.keys(lead).join(', ')}.`, actions: { lead } });
  },
};

export const fakeTransferToHuman: Tool = {
  name: 'transfer_to_human',
  description: 'Connect the caller to a team member, chosen by topic.',
  parameters: {
    type: 'object',
    properties: { topic: { type: 'string' }, reason: { type: 'string' } },
    required: ['reason'],
  },
  handler(args, { turn }) {
    if (!turn.withinHours) {
      return Promise.resolve({
        ok: false,
        result: 'The business is closed: take a message instead.',
        actions: {},
      });
    }
    const topic = typeof args.topic === 'string' ? args.topic.toLowerCase() : '';
    const member =
      turn.team.find((m) =>
        m.active && topic && m.topics.some((t) => t.includes(topic) || topic.includes(t))
      ) ??
        turn.team.find((m) => m.user_id === turn.config.default_transfer_user_id);
    if (!member) {
      return Promise.resolve({
        ok: false,
        result: 'Nobody is available: take a message instead.',
        actions: {},
      });
    }
    return Promise.resolve({
      ok: true,
      result: `Transferring to ${member.name}.`,
      actions: {
        transfer: {
          user_id: member.user_id,
          phone: member.phone,
          topic: topic || undefined,
          reason: String(args.reason ?? ''),
        },
      },
    });
  },
};

export const fakeEndCall: Tool = {
  name: 'end_call',
  description: 'End the call after saying goodbye.',
  parameters: { type: 'object', properties: {} },
  handler: () =>
    Promise.resolve({ ok: true, result: 'The call will end after your reply.', actions: { hangup: true } }),
};

/** A tool whose handler throws (a database that is down). */
export const brokenScheduleCallback: Tool = {
  name: 'schedule_callback',
  description: 'Book a callback.',
  parameters: { type: 'object', properties: { when: { type: 'string' } }, required: ['when'] },
  handler: () => Promise.reject(new Error('connection refused (db)')),
};

export const FAKE_TOOLS: readonly Tool[] = [fakeCaptureLead, fakeTransferToHuman, fakeEndCall];
