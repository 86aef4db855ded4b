/**
 * Cal.com through its API v2 with the team's API key: `GET /v2/slots` (cal-api-version
 * 2024-09-04) for the event type's free starts, `POST /v2/bookings` (cal-api-version 2024-08-13)
 * to book. The member's calendar_id is the Cal.com event type id of their meeting.
 */
import { CalendarError, httpError, type MeetingCalendar, type Slot } from './calendar.ts';

export interface CalComConfig {
  apiKey: string;
  /** https://api.cal.com unless a stand-in is named. */
  apiUrl: string;
  /** The event type used for members without their own. */
  defaultEventTypeId: string | null;
}

export function calComCalendar(config: CalComConfig, fetchFn: typeof fetch = fetch): MeetingCalendar {
  async function call(path: string, version: string, init: RequestInit = {}): Promise<unknown> {
    let res: Response;
    try {
      res = await fetchFn(`${config.apiUrl}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${config.apiKey}`, 'cal-api-version': version,
          ...(init.body ? { 'content-type': 'application/json' } : {}) },
        signal: AbortSignal.timeout(5000),
      });
    } catch (err) {
      throw new CalendarError(`Cal.com unreachable (${(err as Error)?.name ?? 'error'})`, true);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw httpError('Cal.com', res.status);
    }
    const body = await res.json() as { status?: string; data?: unknown };
    if (body.status !== 'success') throw new CalendarError('Cal.com answered without success', false);
    return body.data;
  }

  const eventTypeOf = (m: { calendar_id: string | null }) => {
    const id = m.calendar_id ?? config.defaultEventTypeId;
    if (!id || !/^\d+$/.test(id)) throw new CalendarError('no Cal.com event type for this team member', false);
    return Number(id);
  };

  return {
    provider: 'calcom',
    async freeSlots(member, candidates, timeZone) {
      if (candidates.length === 0) return [];
      const minutes = (candidates[0].end.getTime() - candidates[0].start.getTime()) / 60_000;
      const q = new URLSearchParams({ eventTypeId: String(eventTypeOf(member)),
        start: candidates[0].start.toISOString(), end: candidates.at(-1)!.end.toISOString(), timeZone });
      const data = await call(`/v2/slots?${q}`, '2024-09-04') as Record<string, { start: string }[]>;
      const slots: Slot[] = Object.values(data ?? {}).flat().map((s) => {
        const start = new Date(s.start);
        return { start, end: new Date(start.getTime() + minutes * 60_000) };
      });
      // Only starts that are also in our business hours (Cal.com knows the host's own rules).
      return slots.filter((s) => candidates.some((c) => c.start.getTime() === s.start.getTime()));
    },
    async createEvent(member, e) {
      if (!e.attendee.email) throw new CalendarError('Cal.com needs the attendee\'s email', false);
      const booking = await call('/v2/bookings', '2024-08-13', {
        method: 'POST',
        body: JSON.stringify({
          start: e.slot.start.toISOString(),
          eventTypeId: eventTypeOf(member),
          attendee: { name: e.attendee.name ?? 'Caller', email: e.attendee.email, timeZone: e.timeZone,
            ...(e.attendee.phone ? { phoneNumber: e.attendee.phone } : {}) },
          metadata: { source: 'phone' },
        }),
      }) as { uid?: string; id?: number };
      const id = booking?.uid ?? (booking?.id !== undefined ? String(booking.id) : '');
      if (!id) throw new CalendarError('Cal.com answered without a booking id', false);
      return id;
    },
  };
}
