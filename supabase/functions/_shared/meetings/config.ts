/**
 * Which calendar the team books into, read once from the environment: Google Calendar when its
 * three OAuth values are set, else Cal.com when its API key is, else none (Postgres meetings with
 * an ICS invite by email). A half-configured service is named in `warnings`, never used.
 */
import type { MeetingCalendar } from './calendar.ts';
import { localCalendar } from './calendar.ts';
import { googleCalendar } from './google.ts';
import { calComCalendar } from './calcom.ts';

export interface MeetingsConfig {
  calendar: MeetingCalendar;
  minutes: number;
  warnings: string[];
}

const val = (env: Record<string, string | undefined>, name: string) => env[name]?.trim() || undefined;

export function readMeetingsConfig(env: Record<string, string | undefined>, fetchFn: typeof fetch = fetch): MeetingsConfig {
  const warnings: string[] = [];
  const minutes = Number(val(env, 'MEETING_MINUTES') ?? 30);
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 240) throw new Error('MEETING_MINUTES must be 5 to 240');
  const google = ['GOOGLE_CALENDAR_CLIENT_ID', 'GOOGLE_CALENDAR_CLIENT_SECRET', 'GOOGLE_CALENDAR_REFRESH_TOKEN'];
  const set = google.filter((n) => val(env, n));
  if (set.length === google.length) {
    return { minutes, warnings, calendar: googleCalendar({
      clientId: val(env, google[0])!, clientSecret: val(env, google[1])!, refreshToken: val(env, google[2])!,
      apiUrl: (val(env, 'GOOGLE_CALENDAR_API_URL') ?? 'https://www.googleapis.com/calendar/v3').replace(/\/+$/, ''),
      tokenUrl: val(env, 'GOOGLE_OAUTH_TOKEN_URL') ?? 'https://oauth2.googleapis.com/token',
    }, fetchFn) };
  }
  if (set.length > 0) warnings.push(`Google Calendar off: ${google.filter((n) => !val(env, n)).join(', ')} not set`);
  const calKey = val(env, 'CALCOM_API_KEY');
  if (calKey) {
    return { minutes, warnings, calendar: calComCalendar({
      apiKey: calKey,
      apiUrl: (val(env, 'CALCOM_API_URL') ?? 'https://api.cal.com').replace(/\/+$/, ''),
      defaultEventTypeId: val(env, 'CALCOM_EVENT_TYPE_ID') ?? null,
    }, fetchFn) };
  }
  warnings.push('no calendar service: meetings are kept in Postgres and invites go out as ICS by email');
  return { minutes, warnings, calendar: localCalendar };
}
