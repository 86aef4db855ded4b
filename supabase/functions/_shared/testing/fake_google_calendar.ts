/**
 * A local stand-in for the Google Calendar API v3 and Google's OAuth token endpoint, speaking what
 * the meetings module sends (the shapes of Google's reference: freeBusy.query, events.insert):
 *   POST /token                       grant_type=refresh_token&client_id&client_secret&refresh_token
 *   POST /calendar/v3/freeBusy        {timeMin, timeMax, items: [{id}]} → {calendars: {id: {busy}}}
 *   POST /calendar/v3/calendars/{id}/events?sendUpdates=all   an event → the created event
 * Errors are Google's JSON `{error: {code, message, errors, status}}`. `busy` seeds busy ranges;
 * `failNext` scripts an error status.
 */

export interface FakeGoogleCalendar {
  readonly url: string;
  /** The values GOOGLE_CALENDAR_API_URL and GOOGLE_OAUTH_TOKEN_URL take. */
  readonly apiUrl: string;
  readonly tokenUrl: string;
  readonly events: { calendarId: string; id: string; body: Record<string, unknown>; sendUpdates: string | null }[];
  readonly busy: Map<string, { start: string; end: string }[]>;
  readonly requests: string[];
  failNext(status: number): void;
  close(): Promise<void>;
}

export const GOOGLE_TEST_CREDENTIALS = { clientId: 'test-client.apps.googleusercontent.com', clientSecret: 'test-secret',
  refreshToken: '1//test-refresh-token' };

function googleError(code: number, status: string, message: string): Response {
  return Response.json({ error: { code, message, errors: [{ domain: 'global', reason: status, message }], status } },
    { status: code });
}

export function startFakeGoogleCalendar(): FakeGoogleCalendar {
  const events: FakeGoogleCalendar['events'] = [];
  const busy = new Map<string, { start: string; end: string }[]>();
  const requests: string[] = [];
  const tokens = new Set<string>();
  let fail: number | null = null;
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    requests.push(`${req.method} ${url.pathname}`);
    if (fail !== null) {
      const status = fail;
      fail = null;
      return googleError(status, status >= 500 ? 'backendError' : 'invalid', 'Scripted failure');
    }
    if (url.pathname === '/token' && req.method === 'POST') {
      const f = new URLSearchParams(await req.text());
      const c = GOOGLE_TEST_CREDENTIALS;
      if (f.get('grant_type') !== 'refresh_token' || f.get('client_id') !== c.clientId ||
        f.get('client_secret') !== c.clientSecret || f.get('refresh_token') !== c.refreshToken) {
        return Response.json({ error: 'invalid_grant', error_description: 'Bad Request' }, { status: 400 });
      }
      const token = `ya29.${crypto.randomUUID()}`;
      tokens.add(token);
      return Response.json({ access_token: token, expires_in: 3599, token_type: 'Bearer',
        scope: 'https://www.googleapis.com/auth/calendar' });
    }
    const auth = req.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    if (!tokens.has(auth)) return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (url.pathname === '/calendar/v3/freeBusy' && req.method === 'POST') {
      const body = await req.json() as { timeMin?: string; timeMax?: string; items?: { id: string }[] };
      if (!body.timeMin || !body.timeMax || !Array.isArray(body.items)) return googleError(400, 'INVALID_ARGUMENT', 'Missing timeMin, timeMax or items');
      const min = new Date(body.timeMin), max = new Date(body.timeMax);
      const calendars: Record<string, { busy: { start: string; end: string }[] }> = {};
      for (const { id } of body.items) {
        const ranges = [...(busy.get(id) ?? []),
          ...events.filter((e) => e.calendarId === id).map((e) => ({
            start: (e.body.start as { dateTime: string }).dateTime, end: (e.body.end as { dateTime: string }).dateTime }))];
        calendars[id] = { busy: ranges.filter((r) => new Date(r.start) < max && new Date(r.end) > min) };
      }
      return Response.json({ kind: 'calendar#freeBusy', timeMin: body.timeMin, timeMax: body.timeMax, calendars });
    }
    const m = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(url.pathname);
    if (m && req.method === 'POST') {
      const body = await req.json() as Record<string, unknown>;
      const start = (body.start as { dateTime?: string } | undefined)?.dateTime;
      const end = (body.end as { dateTime?: string } | undefined)?.dateTime;
      if (!start || !end || !(new Date(end) > new Date(start))) return googleError(400, 'INVALID_ARGUMENT', 'The specified time range is empty.');
      const id = crypto.randomUUID().replaceAll('-', '');
      const calendarId = decodeURIComponent(m[1]);
      events.push({ calendarId, id, body, sendUpdates: url.searchParams.get('sendUpdates') });
      return Response.json({ kind: 'calendar#event', id, status: 'confirmed', htmlLink: `https://www.google.com/calendar/event?eid=${id}`,
        created: new Date().toISOString(), summary: body.summary, start: body.start, end: body.end,
        attendees: body.attendees ?? [], organizer: { email: calendarId } });
    }
    return googleError(404, 'NOT_FOUND', 'Not Found');
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  return { url: base, apiUrl: `${base}/calendar/v3`, tokenUrl: `${base}/token`, events, busy, requests,
    failNext(status) { fail = status; }, close: () => server.shutdown() };
}
