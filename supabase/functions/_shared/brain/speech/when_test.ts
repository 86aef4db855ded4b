import { deepStrictEqual as eq, ok } from 'node:assert';
import { mergeWhen, normaliseTimeWords, parseWhen } from './when.ts';
import { wallClock } from '../hours.ts';
import { glossSpanish } from './spanish.ts';

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

/** The day and time a phrase books, or for a part of the day, the day and "morning" / "afternoon". */
function booked(text: string, now = WED): string | null {
  const w = parseWhen(text, now, NY);
  if (!w?.at) return w?.date ? `${w.date.month}/${w.date.day}` : null;
  const c = wallClock(w.at, NY);
  if (w.vague) {
    return `${c.month}/${c.day} ${c.hour < 12 ? 'morning' : c.hour < 17 ? 'afternoon' : 'evening'}`;
  }
  return `${c.month}/${c.day} ${c.hour}:${String(c.minute).padStart(2, '0')}`;
}

Deno.test('parseWhen: a correction inside the sentence replaces what came before it', () => {
  const cases: [string, string][] = [
    ['Can someone call me Thursday at 3pm? Actually make that Friday morning.', '11/27 morning'],
    ['Thursday at 3 works. No wait, Friday at 10 is better.', '11/27 10:00'],
    ['Monday at 11, or rather Tuesday afternoon', '12/1 afternoon'],
    ['put me down for Thursday afternoon, scratch that, Friday at 9 am', '11/27 9:00'],
    ['How about Monday at 2? I mean Tuesday at 2.', '12/1 14:00'],
    ['call me Thursday at 3pm. Friday morning instead.', '11/27 morning'],
    ['Friday morning instead of Thursday at 3', '11/27 morning'],
    ['Friday at 3 rather than Thursday', '11/27 15:00'],
    ['not Thursday, Friday at 11', '11/27 11:00'],
    ["I can't make it Thursday, how about Friday at 11", '11/27 11:00'],
    ['Thursday at 3? Or how about Friday morning', '11/27 morning'],
    ['Monday at 10, on second thought, Wednesday at 10', '12/2 10:00'],
  ];
  for (const [said, want] of cases) eq(booked(said), want, said);
});

Deno.test('parseWhen: a correction that says only the day or only the time keeps the other', () => {
  eq(booked('Thursday at 3, actually make that 4'), '11/26 16:00');
  eq(booked('tomorrow at 2, no wait, four thirty'), '11/26 16:30');
  eq(booked('at 3, scratch that, at 5'), '11/25 17:00');
  eq(booked('Monday at 10? Actually Tuesday.'), '12/1 10:00');
  eq(booked('next Tuesday in the afternoon, I mean Thursday'), '11/26 afternoon');
});

Deno.test('parseWhen: "actually" or "I mean" with no new time is not a correction', () => {
  eq(booked('tomorrow at 2, I mean, if that works'), '11/26 14:00');
  eq(booked('Actually, can someone call me tomorrow at 2?'), '11/26 14:00');
  eq(booked('tomorrow at 2 pm actually works'), '11/26 14:00');
  eq(booked("I'd rather not wait, tomorrow at 9 please"), '11/26 9:00');
  eq(booked('Friday at 10, make that two people on the call'), '11/27 10:00');
});

Deno.test('parseWhen: a corrected time reads back the same from its text', () => {
  const w = parseWhen('Thursday at 3pm, actually Friday at 10', WED, NY)!;
  eq(parseWhen(w.text, WED, NY)!.at, w.at);
});

Deno.test('parseWhen: Spanish corrections, through the English gloss', () => {
  const es = (text: string) => booked(glossSpanish(text));
  eq(
    es('¿Me pueden llamar el jueves a las 3 de la tarde? No, mejor el viernes por la mañana.'),
    '11/27 morning',
  );
  eq(es('el lunes a las 10, digo, a las 11'), '11/30 11:00');
  eq(es('mañana a las cuatro, en realidad a las cinco'), '11/26 17:00');
  eq(es('Llámenme el jueves a las tres. Mejor el viernes a las diez.'), '11/27 10:00');
  eq(es('el viernes a las dos en vez del jueves'), '11/27 14:00');
  eq(es('el viernes por la mañana'), '11/27 morning');
  eq(es('mañana en la tarde'), '11/26 afternoon');
  eq(es('mañana a las diez de la mañana'), '11/26 10:00');
});
