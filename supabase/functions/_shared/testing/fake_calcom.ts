/**
 * A local stand-in for Cal.com's API v2, speaking its documented shapes:
 *   GET  /v2/slots?eventTypeId&start&end&timeZone   (cal-api-version 2024-09-04)
 *        → {status: "success", data: {"YYYY-MM-DD": [{start}]}}
 *   POST /v2/bookings {start, eventTypeId, attendee: {name, email, timeZone}}   (cal-api-version 2024-08-13)
 *        → 201 {status: "success", data: {id, uid, status: "accepted", start, end, ...}}
 * Bearer API key. `open` lists the starts the event type offers (busy ones are not offered); a
 * booked start is no longer offered and cannot be booked twice (400, as Cal.com answers).
 */

export interface FakeCalCom {
  readonly url: string;
  readonly key: string;
  /** eventTypeId → offered starts (ISO) and meeting length. */
  readonly eventTypes: Map<number, { minutes: number; open: string[] }>;
  readonly bookings: { uid: string; id: number; eventTypeId: number; start: string; attendee: Record<string, unknown> }[];
  readonly requests: string[];
  close(): Promise<void>;
}

function error(status: number, message: string): Response {
  return Response.json({ status: 'error', timestamp: new Date().toISOString(), path: '', error: { code: 'BadRequestException', message } },
    { status });
}

export function startFakeCalCom(key = 'cal_test_key'): FakeCalCom {
  const eventTypes = new Map<number, { minutes: number; open: string[] }>();
  const bookings: FakeCalCom['bookings'] = [];
  const requests: string[] = [];
  let n = 1000;
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    requests.push(`${req.method} ${url.pathname} ${req.headers.get('cal-api-version')}`);
    if (req.headers.get('authorization') !== `Bearer ${key}`) return error(401, 'Invalid Access Token.');
    if (url.pathname === '/v2/slots' && req.method === 'GET') {
      if (req.headers.get('cal-api-version') !== '2024-09-04') return error(400, 'slots need cal-api-version 2024-09-04');
      const type = eventTypes.get(Number(url.searchParams.get('eventTypeId')));
      const start = new Date(url.searchParams.get('start') ?? ''), end = new Date(url.searchParams.get('end') ?? '');
      if (!type) return error(404, 'Event type not found');
      if (isNaN(+start) || isNaN(+end)) return error(400, 'start and end are required');
      const data: Record<string, { start: string }[]> = {};
      for (const s of type.open) {
        const at = new Date(s);
        if (at < start || at >= end || bookings.some((b) => b.start === at.toISOString())) continue;
        (data[s.slice(0, 10)] ??= []).push({ start: at.toISOString() });
      }
      return Response.json({ status: 'success', data });
    }
    if (url.pathname === '/v2/bookings' && req.method === 'POST') {
      if (req.headers.get('cal-api-version') !== '2024-08-13') return error(400, 'bookings need cal-api-version 2024-08-13');
      const body = await req.json() as { start?: string; eventTypeId?: number; attendee?: Record<string, unknown> };
      const type = eventTypes.get(Number(body.eventTypeId));
      if (!type) return error(404, 'Event type not found');
      if (!body.start || !body.attendee?.name || !body.attendee?.email || !body.attendee?.timeZone) {
        return error(400, 'start, attendee.name, attendee.email and attendee.timeZone are required');
      }
      const start = new Date(body.start).toISOString();
      if (!type.open.some((s) => new Date(s).toISOString() === start) || bookings.some((b) => b.start === start)) {
        return error(400, 'User either already has booking at this time or is not available');
      }
      const booking = { uid: crypto.randomUUID(), id: ++n, eventTypeId: Number(body.eventTypeId), start, attendee: body.attendee };
      bookings.push(booking);
      const endAt = new Date(new Date(start).getTime() + type.minutes * 60_000).toISOString();
      return Response.json({ status: 'success', data: { id: booking.id, uid: booking.uid, title: 'Meeting', status: 'accepted',
        start, end: endAt, duration: type.minutes, eventTypeId: booking.eventTypeId, attendees: [body.attendee] } }, { status: 201 });
    }
    return error(404, 'Not Found');
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, key, eventTypes, bookings, requests, close: () => server.shutdown() };
}
