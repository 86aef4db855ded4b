/**
 * A team member's calendar, as the booking flow sees it: which candidate slots are free, and
 * creating the event. Three implementations: Google Calendar, Cal.com, and none (Postgres only,
 * with an ICS invite by email). Whatever the calendar says, the meetings table's exclusion
 * constraint has the last word on a slot.
 */

export interface Slot {
  start: Date;
  end: Date;
}

export interface CalendarMember {
  user_id: string;
  name: string;
  email: string | null;
  /** A Google calendar id or a Cal.com event type id; null: the member's email (Google). */
  calendar_id: string | null;
}

export interface NewEvent {
  slot: Slot;
  title: string;
  attendee: { name: string | null; email: string | null; phone: string | null };
  timeZone: string;
}

export interface MeetingCalendar {
  readonly provider: 'google' | 'calcom' | 'local';
  /** The candidates (or, for Cal.com, the slots its availability offers) that are free. */
  freeSlots(member: CalendarMember, candidates: Slot[], timeZone: string): Promise<Slot[]>;
  /** Creates the event there and returns its id; null for the local calendar (nothing to create). */
  createEvent(member: CalendarMember, event: NewEvent): Promise<string | null>;
}

/** A calendar service said no or could not be reached; `retryable` says whether trying again can help. */
export class CalendarError extends Error {
  override name = 'CalendarError';
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

/** The calendar error for an HTTP answer that was not a success (never quoting the body). */
export function httpError(service: string, status: number): CalendarError {
  return new CalendarError(`${service} answered ${status}`, status === 429 || status >= 500);
}

/** Slots that overlap none of `busy`. */
export function withoutBusy(candidates: Slot[], busy: { start: Date; end: Date }[]): Slot[] {
  return candidates.filter((s) => !busy.some((b) => s.start < b.end && b.start < s.end));
}

/** No calendar service: every candidate is free as far as it knows (the database still decides). */
export const localCalendar: MeetingCalendar = {
  provider: 'local',
  freeSlots: (_member, candidates) => Promise.resolve(candidates),
  createEvent: () => Promise.resolve(null),
};
