/** meetingIntent: what a caller's words are to the meetings flow (the local Realtime stand-in's cue to call it). */
import { assertEquals } from '../testing/assert.ts';
import { meetingIntent } from './flow.ts';

const tz = 'America/New_York';
const offer = { meeting_offer: { member: 'user_a', slots: [
  { start: '2026-12-01T14:00:00Z', end: '2026-12-01T14:30:00Z' },
  { start: '2026-12-02T19:00:00Z', end: '2026-12-02T19:30:00Z' },
] } };

Deno.test('a request for a demo is a request, unless a meeting is booked already', () => {
  assertEquals(meetingIntent('Could I book a demo with someone?', {}, tz), 'request');
  assertEquals(meetingIntent('Could I book a demo with someone?', { meeting: { id: 'm1' } }, tz), null);
  assertEquals(meetingIntent('What does the starter cost?', {}, tz), null);
});

Deno.test('with times on offer: a pick is a choice, a no is a decline, anything else is not the flow\'s', () => {
  assertEquals(meetingIntent('The first one works for me.', offer, tz), 'choice');
  assertEquals(meetingIntent('Neither of those, sorry.', offer, tz), 'decline');
  assertEquals(meetingIntent('What does the starter cost?', offer, tz), null);
  // Without an offer, "the first one" is nothing to the flow.
  assertEquals(meetingIntent('The first one works for me.', {}, tz), null);
});
