import { deepStrictEqual as eq, ok } from 'node:assert';
import { mergeWhen, normaliseTimeWords, parseWhen } from './when.ts';
import { wallClock } from '../hours.ts';

const NY = 'America/New_York';
const WED = new Date('2026-11-25T15:00:00Z'); // Wed 25 Nov 2026, 10:00 EST

function local(text: string, now = WED): string | null {
  const w = parseWhen(text, now, NY);
  if (!w?.at) return null;
  const c = wallClock(w.at, NY);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${c.year}-${pad(c.month)}-${pad(c.day)} ${pad(c.hour)}:${pad(c.minute)}`;
}

Deno.test('parseWhen: everyday phrasings in the business time zone', () => {
  const cases: [string, string | null][] = [
    ['Tomorrow at 2 p.m. works for me.', '2026-11-26 14:00'],
    ['tomorrow at 2', '2026-11-26 14:00'],
    ['Monday morning at 10 would be good.', '2026-11-30 10:00'],
    ['next Tuesday afternoon', '2026-12-01 15:00'],
    ['Tomorrow at 4 in the afternoon please.', '2026-11-26 16:00'],
    ['half past two tomorrow', '2026-11-26 14:30'],
    ['quarter to 4 on friday', '2026-11-27 15:45'],
    ['at 3', '2026-11-25 15:00'],
    ['at 9', '2026-11-26 09:00'],
    ['call me at ten fifteen tomorrow', '2026-11-26 10:15'],
    ['december 3rd at 9 am', '2026-12-03 09:00'],
    ['the day after tomorrow at eleven', '2026-11-27 11:00'],
    ['tomorrow around 3:30', '2026-11-26 15:30'],
  ];
  for (const [said, want] of cases) eq(local(said), want, said);
});

Deno.test('parseWhen: speech recognition homophones of hours', () => {
  eq(local('tomorrow at for'), '2026-11-26 16:00');
  eq(local('too pm tomorrow'), '2026-11-26 14:00');
  eq(local('wednesday at too pm'), '2026-11-25 14:00');
  eq(local('how about thursday at two thirty'), '2026-11-26 14:30');
  eq(normaliseTimeWords('at for please'), 'at 4 please');
});

Deno.test('parseWhen: a day without a time, and nothing at all', () => {
  const friday = parseWhen('Friday', WED, NY)!;
  eq([friday.date, friday.time, friday.at], [{ year: 2026, month: 11, day: 27 }, null, null]);
  eq(parseWhen('this is ridiculous', WED, NY), null);
  eq(parseWhen('five business days', WED, NY), null);
  ok(parseWhen('Monday morning', WED, NY)!.vague);
});

Deno.test('parseWhen: across the DST changes the wall time is kept', () => {
  const beforeSpring = new Date('2026-03-06T21:00:00Z'); // Fri 16:00 EST
  const spring = parseWhen('Monday at 10', beforeSpring, NY)!;
  eq(spring.at!.toISOString(), '2026-03-09T14:00:00.000Z'); // 10:00 EDT
  const beforeFall = new Date('2026-10-30T20:00:00Z'); // Fri 16:00 EDT
  const fall = parseWhen('Monday at 10', beforeFall, NY)!;
  eq(fall.at!.toISOString(), '2026-11-02T15:00:00.000Z'); // 10:00 EST
  // A weekday that is today but already past means next week.
  const lateWed = new Date('2026-11-25T22:00:00Z'); // Wed 17:00
  eq(local('Wednesday at 10', lateWed), '2026-12-02 10:00');
});

Deno.test('mergeWhen: a day from one turn and a time from the next', () => {
  const day = parseWhen('on Thursday', WED, NY)!;
  const time = parseWhen('around eleven in the morning', WED, NY)!;
  const merged = mergeWhen(day, time, NY);
  eq(wallClock(merged.at!, NY).day, 26);
  eq(wallClock(merged.at!, NY).hour, 11);
  const reverse = mergeWhen(time, day, NY);
  eq(wallClock(reverse.at!, NY).hour, 11);
});
