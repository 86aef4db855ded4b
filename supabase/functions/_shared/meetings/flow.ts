/**
 * Booking a meeting during a call, as a step before the brain: a caller who asks for a meeting
 * (a demo, an appointment) hears two real free times; when they pick one, the meetings row is
 * committed first (the exclusion constraint makes two callers racing for one slot impossible),
 * then the calendar event is created, and the caller hears the time the database committed. A
 * slot taken meanwhile, or a calendar that refuses, gets fresh times instead. Anything else goes
 * to the brain as before.
 */
import type { Sql } from '../runtime/runtime.ts';
import type { TeamMember, TurnContext, TurnResult } from '../brain/types.ts';
import { type CalendarMember, CalendarError, type MeetingCalendar, type Slot, withoutBusy } from './calendar.ts';
import { candidateSlots, chosenSlot, sayTime, slotsToOffer } from './slots.ts';

const MEETING_ASK = /\b(meeting|demo|demonstration|appointment|walk ?through)\b|\bbook (a |some )?time\b/i;

export interface MeetingDeps {
  sql: Sql;
  calendar: MeetingCalendar;
  minutes: number;
}

type Offer = { member: string; slots: { start: string; end: string }[] };
type Booked = { id: string; starts_at: string; ends_at: string; provider: string };

/** The member a meeting is with: the config's default person, else whoever takes sales. */
export function meetingMember(ctx: TurnContext): (TeamMember & Partial<CalendarMember>) | null {
  const active = ctx.team.filter((m) => m.active);
  return active.find((m) => m.user_id === ctx.config.default_transfer_user_id) ??
    active.find((m) => m.topics.some((t) => /sales|new business/i.test(t))) ?? active[0] ?? null;
}

function result(ctx: TurnContext, reply: string, state: Record<string, unknown>, intent: string): TurnResult {
  return { reply, actions: {}, state, meta: { provider: 'meetings', latency_ms: 0, tokens_in: 0, tokens_out: 0,
    cost_usd: 0, tools: ['book_meeting'], intent } };
}

const asMember = (m: TeamMember & Partial<CalendarMember>): CalendarMember =>
  ({ user_id: m.user_id, name: m.name, email: m.email ?? null, calendar_id: m.calendar_id ?? null });

/** Free slots for the member: business-hours candidates, minus the calendar's busy times and our own meetings. */
async function freeSlots(deps: MeetingDeps, ctx: TurnContext, member: CalendarMember): Promise<Slot[]> {
  const candidates = candidateSlots(ctx.config, ctx.now, deps.minutes);
  if (candidates.length === 0) return [];
  const [{ busy }] = await deps.sql<{ busy: { start: string; end: string }[] }[]>`
    select public.member_busy(${member.user_id}, ${candidates[0].start}, ${candidates.at(-1)!.end}) as busy`;
  const free = await deps.calendar.freeSlots(member, candidates, ctx.config.timezone);
  return withoutBusy(free, busy.map((b) => ({ start: new Date(b.start), end: new Date(b.end) })));
}

async function offer(deps: MeetingDeps, ctx: TurnContext, member: CalendarMember, lead: string): Promise<TurnResult> {
  const tz = ctx.config.timezone;
  const slots = slotsToOffer(await freeSlots(deps, ctx, member), tz);
  const { meeting_offer: _old, ...state } = ctx.state;
  if (slots.length === 0) {
    return result(ctx, `${lead}I don't see a free time with ${member.name} this week. I can have them call you back ` +
      'to find a time instead. Would you like that?', state, 'meeting_none_free');
  }
  const said = slots.map((s) => sayTime(s.start, tz));
  const o: Offer = { member: member.user_id, slots: slots.map((s) => ({ start: s.start.toISOString(), end: s.end.toISOString() })) };
  return result(ctx, `${lead}I can book you with ${member.name} on ${said.join(', or on ')}. Which works for you?`,
    { ...state, meeting_offer: o }, 'meeting_offer');
}

async function book(deps: MeetingDeps, ctx: TurnContext, member: CalendarMember, slot: Slot): Promise<TurnResult> {
  const tz = ctx.config.timezone;
  const title = `${ctx.config.business_name}: ${ctx.customer?.name ?? 'caller'} with ${member.name}`;
  const [{ r }] = await deps.sql<{ r: { ok: boolean; reason?: string; replayed?: boolean; meeting?: Booked } }[]>`
    select public.book_meeting(${ctx.callSid}, ${member.user_id}, ${slot.start}, ${deps.minutes}, ${title},
      ${deps.calendar.provider}) as r`;
  if (!r.ok || !r.meeting) return offer(deps, ctx, member, 'Sorry, that time was just taken. ');
  const meeting = r.meeting;
  // A retried webhook finds the row it booked (replayed): the event exists already.
  if (deps.calendar.provider !== 'local' && !r.replayed) {
    try {
      const externalId = await deps.calendar.createEvent(member, { slot, title, timeZone: tz, attendee: {
        name: ctx.customer?.name ?? null, email: ctx.customer?.email ?? null, phone: ctx.callerNumber || null } });
      await deps.sql`select public.settle_meeting(${meeting.id}::uuid, ${externalId})`;
    } catch (err) {
      if (!(err instanceof CalendarError)) throw err;
      await deps.sql`select public.settle_meeting(${meeting.id}::uuid, ${null})`;
      return offer(deps, ctx, member, `Sorry, ${member.name}'s calendar didn't take that booking. `);
    }
  }
  const { meeting_offer: _done, ...rest } = ctx.state;
  const at = new Date(meeting.starts_at);
  const zone = at.toLocaleTimeString('en-US', { timeZone: tz, timeZoneName: 'short' }).split(' ').at(-1);
  const invite = ctx.customer?.email ? ' You will get an invite by email.' : '';
  return result(ctx, `You're booked with ${member.name} on ${sayTime(at, tz)} ${zone}.${invite} ` +
    'Is there anything else I can help with?', { ...rest, meeting: { id: meeting.id, starts_at: meeting.starts_at,
      member: member.user_id } }, 'meeting_booked');
}

const offeredSlots = (o: Offer): Slot[] => o.slots.map((s) => ({ start: new Date(s.start), end: new Date(s.end) }));
const declines = (text: string) => /\b(neither|none|no)\b/i.test(text) && !MEETING_ASK.test(text);

/**
 * What the caller's words are to the meetings flow, given the call's state: a pick among the times
 * offered, a no to them, a request for a meeting, or nothing (the brain's turn). A Realtime model
 * decides this itself; the local Realtime stand-in asks here, so it calls the meeting tool when
 * a gathered turn would have run the meeting step.
 */
export function meetingIntent(text: string, state: Record<string, unknown>, timeZone: string):
  'choice' | 'decline' | 'request' | null {
  const pending = state.meeting_offer as Offer | undefined;
  if (pending && chosenSlot(text, offeredSlots(pending), timeZone) !== null) return 'choice';
  if (pending && declines(text)) return 'decline';
  return MEETING_ASK.test(text) && !state.meeting ? 'request' : null;
}

/** This turn, when it is about a meeting; null hands the turn to the brain. */
export async function meetingTurn(deps: MeetingDeps, ctx: TurnContext): Promise<TurnResult | null> {
  const text = ctx.input.kind === 'speech' ? ctx.input.text : ctx.input.kind === 'digits' ? ctx.input.digits : null;
  if (!text) return null;
  const pending = ctx.state.meeting_offer as Offer | undefined;
  if (pending) {
    const member = ctx.team.find((m) => m.user_id === pending.member && m.active) as (TeamMember & Partial<CalendarMember>) | undefined;
    const slots = offeredSlots(pending);
    const i = chosenSlot(text, slots, ctx.config.timezone);
    if (member && i !== null) return book(deps, ctx, asMember(member), slots[i]);
    const { meeting_offer: _dropped, ...state } = ctx.state;
    if (declines(text)) {
      return result(ctx, 'No problem. I can also have someone call you back to find a time. What would you like to do?',
        state, 'meeting_declined');
    }
    // Not a choice: the offer lapses and the brain answers (with the state the caller is in).
    delete ctx.state.meeting_offer;
    if (!MEETING_ASK.test(text)) return null;
  }
  if (!MEETING_ASK.test(text) || ctx.state.meeting) return null;
  const member = meetingMember(ctx);
  if (!member) return null;
  try {
    return await offer(deps, ctx, asMember(member), '');
  } catch (err) {
    if (err instanceof CalendarError) return null;
    throw err;
  }
}
