/**
 * Google Calendar through its REST API (v3) with the team's OAuth credentials: `freeBusy.query`
 * for busy ranges and `events.insert` (sendUpdates=all, so Google emails the attendee) to book.
 * An access token is obtained from the refresh token at Google's token endpoint and reused
 * until shortly before it expires. Base URLs are configurable for the local stand-in.
 */
import { CalendarError, httpError, type MeetingCalendar, withoutBusy } from './calendar.ts';

export interface GoogleCalendarConfig {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  /** https://www.googleapis.com/calendar/v3 unless a stand-in is named. */
  apiUrl: string;
  /** https://oauth2.googleapis.com/token unless a stand-in is named. */
  tokenUrl: string;
}

export function googleCalendar(config: GoogleCalendarConfig, fetchFn: typeof fetch = fetch): MeetingCalendar {
  let token: { value: string; until: number } | null = null;

  async function accessToken(): Promise<string> {
    if (token && token.until > Date.now()) return token.value;
    const res = await call(config.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', client_id: config.clientId,
        client_secret: config.clientSecret, refresh_token: config.refreshToken }),
    }, 'Google OAuth');
    const body = await res.json() as { access_token?: string; expires_in?: number };
    if (!body.access_token) throw new CalendarError('Google OAuth answered without an access token', false);
    token = { value: body.access_token, until: Date.now() + Math.max(60, (body.expires_in ?? 3600) - 60) * 1000 };
    return token.value;
  }

  async function call(url: string, init: RequestInit, service: string): Promise<Response> {
    let res: Response;
    try {
      res = await fetchFn(url, { ...init, signal: AbortSignal.timeout(5000) });
    } catch (err) {
      throw new CalendarError(`${service} unreachable (${(err as Error)?.name ?? 'error'})`, true);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw httpError(service, res.status);
    }
    return res;
  }

  const api = async (path: string, body: unknown) =>
    (await call(`${config.apiUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await accessToken()}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }, 'Google Calendar')).json();

  const calendarOf = (m: { calendar_id: string | null; email: string | null }) => m.calendar_id ?? m.email ?? 'primary';

  return {
    provider: 'google',
    async freeSlots(member, candidates, timeZone) {
      if (candidates.length === 0) return [];
      const id = calendarOf(member);
      const answer = await api('/freeBusy', {
        timeMin: candidates[0].start.toISOString(),
        timeMax: candidates.at(-1)!.end.toISOString(),
        timeZone,
        items: [{ id }],
      }) as { calendars?: Record<string, { busy?: { start: string; end: string }[]; errors?: unknown[] }> };
      const cal = answer.calendars?.[id];
      if (!cal || cal.errors?.length) throw new CalendarError('Google Calendar could not read the calendar', false);
      return withoutBusy(candidates, (cal.busy ?? []).map((b) => ({ start: new Date(b.start), end: new Date(b.end) })));
    },
    async createEvent(member, e) {
      const created = await api(`/calendars/${encodeURIComponent(calendarOf(member))}/events?sendUpdates=all`, {
        summary: e.title,
        description: e.attendee.phone ? `Booked by phone. Caller: ${e.attendee.phone}` : 'Booked by phone.',
        start: { dateTime: e.slot.start.toISOString(), timeZone: e.timeZone },
        end: { dateTime: e.slot.end.toISOString(), timeZone: e.timeZone },
        attendees: e.attendee.email ? [{ email: e.attendee.email, displayName: e.attendee.name ?? undefined }] : [],
      }) as { id?: string };
      if (!created.id) throw new CalendarError('Google Calendar answered without an event id', false);
      return created.id;
    },
  };
}
