import { deepStrictEqual as eq, ok } from 'node:assert';
import {
  describeHours,
  isOpenBySchedule,
  isWithinHours,
  nextOpening,
  speakClock,
  speakDateTime,
  wallClock,
  zonedDateTime,
} from './hours.ts';
import { fixtureConfig } from './testing/fixture.ts';

const NY = 'America/New_York';
const config = fixtureConfig();
const at = (iso: string) => new Date(iso);

Deno.test('zonedDateTime: wall time to instant in winter and summer', () => {
  eq(
    zonedDateTime({ year: 2026, month: 1, day: 15, hour: 9, minute: 0 }, NY).toISOString(),
    '2026-01-15T14:00:00.000Z',
  );
  eq(
    zonedDateTime({ year: 2026, month: 7, day: 15, hour: 9, minute: 0 }, NY).toISOString(),
    '2026-07-15T13:00:00.000Z',
  );
  eq(
    zonedDateTime({ year: 2026, month: 7, day: 15, hour: 9 }, 'Asia/Kolkata').toISOString(),
    '2026-07-15T03:30:00.000Z',
  );
});

Deno.test('zonedDateTime: the skipped hour of spring forward moves ahead, the repeated hour takes the first', () => {
  // 8 March 2026: 02:00 EST jumps to 03:00 EDT.
  eq(
    zonedDateTime({ year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, NY).toISOString(),
    '2026-03-08T07:30:00.000Z',
  );
  eq(wallClock(at('2026-03-08T07:30:00Z'), NY).hour, 3);
  // 1 November 2026: 01:30 happens twice; the first is EDT (05:30Z).
  eq(
    zonedDateTime({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, NY).toISOString(),
    '2026-11-01T05:30:00.000Z',
  );
  eq(zonedDateTime({ year: 2026, month: 11, day: 2, hour: 9 }, NY).toISOString(), '2026-11-02T14:00:00.000Z');
});

Deno.test('wallClock: weekday and time in the zone', () => {
  const w = wallClock(at('2026-11-28T04:30:00Z'), NY); // Fri 27 Nov 23:30
  eq([w.year, w.month, w.day, w.hour, w.minute, w.weekday], [2026, 11, 27, 23, 30, 5]);
});

Deno.test('isWithinHours: weekday hours, boundaries, weekends, holidays', () => {
  ok(isWithinHours(config, at('2026-11-24T14:00:00Z'))); // Tue 09:00 EST
  ok(!isWithinHours(config, at('2026-11-24T13:59:00Z'))); // 08:59
  ok(isWithinHours(config, at('2026-11-24T22:59:00Z'))); // 17:59
  ok(!isWithinHours(config, at('2026-11-24T23:00:00Z'))); // 18:00 closes
  ok(!isWithinHours(config, at('2026-11-28T16:00:00Z'))); // Saturday
  ok(!isWithinHours(config, at('2026-11-26T16:00:00Z'))); // Thanksgiving
  ok(isWithinHours(config, at('2026-07-06T13:00:00Z'))); // Mon 09:00 EDT
  ok(!isWithinHours(config, at('2026-07-06T12:30:00Z'))); // 08:30 EDT (13:30 would be open in EST)
});

Deno.test('isWithinHours: the override wins over the schedule', () => {
  ok(isWithinHours(fixtureConfig({ hours_override: 'open' }), at('2026-11-28T16:00:00Z')));
  ok(!isWithinHours(fixtureConfig({ hours_override: 'closed' }), at('2026-11-24T16:00:00Z')));
  ok(!isOpenBySchedule(fixtureConfig({ hours_override: 'open' }), at('2026-11-28T16:00:00Z')));
});

Deno.test('isOpenBySchedule: intervals past midnight and split days', () => {
  const night = fixtureConfig({
    business_hours: { fri: [['22:00', '02:00']], sat: [['10:00', '12:00'], ['13:00', '15:00']] },
  });
  ok(isOpenBySchedule(night, at('2026-11-28T04:00:00Z'))); // Fri 23:00
  ok(isOpenBySchedule(night, at('2026-11-28T06:30:00Z'))); // Sat 01:30, Friday's hours
  ok(!isOpenBySchedule(night, at('2026-11-28T07:30:00Z'))); // Sat 02:30
  ok(!isOpenBySchedule(night, at('2026-11-28T17:30:00Z'))); // Sat 12:30, lunch
  ok(isOpenBySchedule(night, at('2026-11-28T18:30:00Z'))); // Sat 13:30
});

Deno.test('nextOpening: now when open; next morning, Monday, after holidays; across DST', () => {
  const open = at('2026-11-24T16:00:00Z');
  eq(nextOpening(config, open), open);
  eq(nextOpening(config, at('2026-11-24T23:30:00Z')).toISOString(), '2026-11-25T14:00:00.000Z'); // Tue eve → Wed 9
  eq(nextOpening(config, at('2026-11-25T23:30:00Z')).toISOString(), '2026-11-27T14:00:00.000Z'); // skips Thanksgiving
  eq(nextOpening(config, at('2026-11-27T23:30:00Z')).toISOString(), '2026-11-30T14:00:00.000Z'); // Fri eve → Mon
  eq(nextOpening(config, at('2026-03-06T23:30:00Z')).toISOString(), '2026-03-09T13:00:00.000Z'); // Mon 9 EDT
  eq(nextOpening(config, at('2026-10-30T22:30:00Z')).toISOString(), '2026-11-02T14:00:00.000Z'); // Mon 9 EST
  const never = fixtureConfig({ business_hours: {} });
  eq(nextOpening(never, open), open);
});

Deno.test('describeHours: groups days and names the zone', () => {
  eq(describeHours(config), 'Monday to Friday, 9 AM to 6 PM Eastern Time');
  const mixed = fixtureConfig({
    timezone: 'America/Los_Angeles',
    business_hours: {
      mon: [['08:30', '17:00']],
      tue: [['08:30', '17:00']],
      wed: [['08:30', '17:00']],
      sat: [['10:00', '12:00']],
      sun: [['10:00', '12:00']],
    },
  });
  eq(
    describeHours(mixed),
    'Monday to Wednesday, 8:30 AM to 5 PM; Saturday and Sunday, 10 AM to noon Pacific Time',
  );
  eq(describeHours(fixtureConfig({ business_hours: {} })), '');
});

Deno.test('speakClock and speakDateTime', () => {
  eq([speakClock(9, 0), speakClock(14, 30), speakClock(12, 0), speakClock(0, 0)], [
    '9 AM',
    '2:30 PM',
    'noon',
    'midnight',
  ]);
  const now = at('2026-11-24T15:00:00Z');
  eq(speakDateTime(at('2026-11-24T19:00:00Z'), NY, now), 'today at 2 PM');
  eq(speakDateTime(at('2026-11-25T19:00:00Z'), NY, now), 'tomorrow, Wednesday, at 2 PM');
  eq(speakDateTime(at('2026-11-30T15:00:00Z'), NY, now), 'Monday, November 30, at 10 AM');
});
