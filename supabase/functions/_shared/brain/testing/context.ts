/** Turn contexts for unit tests, built on the demo-business fixture. */
import type { Customer, TurnContext, TurnInput } from '../types.ts';
import { isWithinHours } from '../hours.ts';
import { fixtureConfig, TEAM } from './fixture.ts';

/** Tue 24 Nov 2026, 10:00 in New York: open. */
export const OPEN_NOW = new Date('2026-11-24T15:00:00Z');
/** Tue 24 Nov 2026, 20:00 in New York: closed. */
export const CLOSED_NOW = new Date('2026-11-25T01:00:00Z');

export function speech(text: string): TurnInput {
  return { kind: 'speech', text, confidence: 0.9 };
}

export function makeContext(over: Partial<TurnContext> = {}): TurnContext {
  const config = over.config ?? fixtureConfig();
  const now = over.now ?? OPEN_NOW;
  const customer: Customer | null = over.customer === undefined
    ? {
      id: 'cust_1',
      phone_number: '+15555550999',
      name: null,
      company: null,
      email: null,
      need: null,
      timeline: null,
    }
    : over.customer;
  return {
    callSid: 'CAtest',
    conversationId: 'conv_test',
    direction: 'inbound',
    turnIndex: 1,
    callerNumber: '+15555550999',
    history: [],
    team: TEAM,
    state: {},
    input: { kind: 'silence' },
    ...over,
    config,
    now,
    customer,
    withinHours: over.withinHours ?? isWithinHours(config, now),
  };
}
