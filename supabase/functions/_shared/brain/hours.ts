/**
 * Business hours in the business's own time zone: whether it is open, when it opens next, how to
 * say its schedule and a time aloud. Time zone arithmetic uses Intl only (no library), so it
 * follows the runtime's tz database, DST included.
 */
import type { AgentConfig, WeeklyHours } from './types.ts';

export type DayKey = 'sun' | 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat';
export const DAY_KEYS: readonly DayKey[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
/** The languages the agent speaks. */
export type Lang = 'en' | 'es';
const DAY_NAMES_ES = ['domingo', 'lunes', 'martes', 'miércoles', 'jueves', 'viernes', 'sábado'];
const MONTH_NAMES_ES = [
  'enero',
  'febrero',
  'marzo',
  'abril',
  'mayo',
  'junio',
  'julio',
  'agosto',
  'septiembre',
  'octubre',
  'noviembre',
  'diciembre',
];
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** A local calendar date and time of day (month 1-12, weekday 0 = Sunday). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

export interface WallParts {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

const WEEKDAY_INDEX: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall clock in `tz` at instant `date`. */
export function wallClock(date: Date, tz: string): WallClock {
  const out: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(date)) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour) % 24,
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAY_INDEX[out.weekday] ?? 0,
  };
}

function offsetMs(t: number, tz: string): number {
  const w = wallClock(new Date(t), tz);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(t / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `tz` shows these parts. A time skipped by a DST jump moves
 * forward by the jump (2:30 on a spring-forward day is 3:30); a repeated time takes its first
 * occurrence.
 */
export function zonedDateTime(parts: WallParts, tz: string): Date {
  const asUtc = Date.UTC(
    parts.year,
    parts.month - 1,
    parts.day,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  const before = offsetMs(asUtc - 14 * 3600_000, tz);
  const after = offsetMs(asUtc + 14 * 3600_000, tz);
  const valid = [...new Set([before, after])]
    .map((o) => asUtc - o)
    .filter((t) => {
      const w = wallClock(new Date(t), tz);
      return w.hour === (parts.hour ?? 0) && w.minute === (parts.minute ?? 0) && w.day === parts.day;
    })
    .sort((a, b) => a - b);
  return new Date(valid.length ? valid[0] : asUtc - before);
}

/** 'YYYY-MM-DD' of a wall clock. */
export function isoDate(w: { year: number; month: number; day: number }): string {
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The calendar date `n` days after the given one. */
export function addDays(w: { year: number; month: number; day: number }, n: number) {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + n));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h || 0) * 60 + (m || 0);
}

/** Open intervals of a weekday in minutes since local midnight; a close at or before the open runs past midnight. */
function intervals(hours: WeeklyHours, weekday: number): [number, number][] {
  return (hours[DAY_KEYS[weekday]] ?? []).map(([o, c]) => [minutes(o), minutes(c)]);
}

/** Whether the weekly schedule and holidays (not the override) say the business is open at `at`. */
export function isOpenBySchedule(config: AgentConfig, at: Date): boolean {
  const w = wallClock(at, config.timezone);
  const m = w.hour * 60 + w.minute;
  const holidays = new Set(config.holidays ?? []);
  if (!holidays.has(isoDate(w))) {
    for (const [o, c] of intervals(config.business_hours, w.weekday)) {
      if (c > o ? o <= m && m < c : o <= m) return true;
    }
  }
  const prev = addDays(w, -1);
  if (holidays.has(isoDate(prev))) return false;
  return intervals(config.business_hours, prev.weekday).some(([o, c]) => c <= o && m < c);
}

/** Whether the business is open at `now`: the override if set, else the schedule and holidays. */
export function isWithinHours(config: AgentConfig, now: Date): boolean {
  if (config.hours_override === 'open') return true;
  if (config.hours_override === 'closed') return false;
  return isOpenBySchedule(config, now);
}

/**
 * The first moment at or after `now` at which the schedule is open (`now` itself when open). The
 * override is ignored: it speaks about the present, not the future. With no open hour in the
 * coming year, `now` is returned.
 */
export function nextOpening(config: AgentConfig, now: Date): Date {
  if (isOpenBySchedule(config, now)) return now;
  const start = wallClock(now, config.timezone);
  const holidays = new Set(config.holidays ?? []);
  for (let d = 0; d <= 370; d++) {
    const date = addDays(start, d);
    if (holidays.has(isoDate(date))) continue;
    const opens = intervals(config.business_hours, date.weekday).map(([o]) => o).sort((a, b) => a - b);
    for (const o of opens) {
      const at = zonedDateTime({ ...date, hour: Math.floor(o / 60), minute: o % 60 }, config.timezone);
      if (at.getTime() > now.getTime()) return at;
    }
  }
  return now;
}

/** '9 AM', '5:30 PM', 'noon', 'midnight'. */
export function speakClock(hour: number, minute: number, lang: Lang = 'en'): string {
  if (lang === 'es') {
    if (minute === 0 && hour === 12) return 'mediodía';
    const h = hour % 12 === 0 ? 12 : hour % 12;
    const suffix = hour % 24 < 12 ? 'a. m.' : 'p. m.';
    return minute ? `${h}:${String(minute).padStart(2, '0')} ${suffix}` : `${h} ${suffix}`;
  }
  if (minute === 0 && hour === 12) return 'noon';
  if (minute === 0 && (hour === 0 || hour === 24)) return 'midnight';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  const suffix = hour % 24 < 12 ? 'AM' : 'PM';
  return minute ? `${h12}:${String(minute).padStart(2, '0')} ${suffix}` : `${h12} ${suffix}`;
}

/** 'Eastern Time' for America/New_York; the zone id when the runtime has no generic name. */
export function timeZoneName(tz: string, lang: Lang = 'en'): string {
  try {
    const part = new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { timeZone: tz, timeZoneName: 'longGeneric' })
      .formatToParts(new Date()).find((p) => p.type === 'timeZoneName')?.value;
    if (part && !/^GMT/.test(part)) return part;
  } catch { /* unknown zone name style: fall through */ }
  return tz.replace(/^.*\//, '').replaceAll('_', ' ') + ' time';
}

/** Days are numbered 0 = Sunday; a week is read Monday first, so Saturday and Sunday are neighbours. */
function dayRange(first: number, last: number, lang: Lang): string {
  const names = lang === 'es' ? DAY_NAMES_ES : DAY_NAMES;
  const a = names[first], b = names[last];
  if (first === last) return a;
  if (lang === 'es') return (last - first + 7) % 7 === 1 ? `${a} y ${b}` : `de ${a} a ${b}`;
  return (last - first + 7) % 7 === 1 ? `${a} and ${b}` : `${a} to ${b}`;
}

/** The weekly schedule as a sentence fragment: 'Monday to Friday, 9 AM to 6 PM Eastern Time'. */
export function describeHours(config: AgentConfig, lang: Lang = 'en'): string {
  const order = [1, 2, 3, 4, 5, 6, 0];
  const span = (o: string, c: string) =>
    lang === 'es'
      ? `de ${speakClock(...hm(o), 'es')} a ${speakClock(...hm(c), 'es')}`
      : `${speakClock(...hm(o))} to ${speakClock(...hm(c))}`;
  const spoken = (wd: number) =>
    (config.business_hours[DAY_KEYS[wd]] ?? []).map(([o, c]) => span(o, c)).join(lang === 'es' ? ' y ' : ' and ');
  const groups: { first: number; last: number; text: string }[] = [];
  for (const wd of order) {
    const text = spoken(wd);
    const prev = groups[groups.length - 1];
    if (prev && prev.text === text && order.indexOf(prev.last) === order.indexOf(wd) - 1) prev.last = wd;
    else groups.push({ first: wd, last: wd, text });
  }
  const open = groups.filter((g) => g.text);
  if (!open.length) return '';
  const body = open.map((g) => `${dayRange(g.first, g.last, lang)}, ${g.text}`).join('; ');
  return lang === 'es'
    ? `${body}, ${timeZoneName(config.timezone, 'es')}`
    : `${body} ${timeZoneName(config.timezone)}`;
}

function hm(hhmm: string): [number, number] {
  const m = minutes(hhmm);
  return [Math.floor(m / 60), m % 60];
}

/** 'today at 2 PM', 'tomorrow, Thursday, at 2 PM', 'Monday, November 30, at 10 AM'. */
export function speakDateTime(at: Date, tz: string, now: Date, lang: Lang = 'en'): string {
  const w = wallClock(at, tz);
  const today = wallClock(now, tz);
  if (lang === 'es') {
    const clock = w.hour === 12 && !w.minute ? 'al mediodía' : `a las ${speakClock(w.hour, w.minute, 'es')}`
      .replace(/^a las 1 /, 'a la 1 ');
    if (isoDate(w) === isoDate(today)) return `hoy ${clock}`;
    if (isoDate(w) === isoDate(addDays(today, 1))) return `mañana, ${DAY_NAMES_ES[w.weekday]}, ${clock}`;
    return `el ${DAY_NAMES_ES[w.weekday]} ${w.day} de ${MONTH_NAMES_ES[w.month - 1]}, ${clock}`;
  }
  const clock = speakClock(w.hour, w.minute);
  if (isoDate(w) === isoDate(today)) return `today at ${clock}`;
  if (isoDate(w) === isoDate(addDays(today, 1))) return `tomorrow, ${DAY_NAMES[w.weekday]}, at ${clock}`;
  return `${DAY_NAMES[w.weekday]}, ${MONTH_NAMES[w.month - 1]} ${w.day}, at ${clock}`;
}
