/**
 * Dates and times in the caller's words ("tomorrow at 2", "Monday morning at 10", "next Tuesday
 * afternoon", "tomorrow at for" as speech recognition hears "four"), resolved in the business's
 * time zone with chrono-node relative to the turn's clock.
 *
 * chrono is run in a UTC frame whose wall clock equals the business's wall clock, and only the
 * parsed calendar components are kept; `zonedDateTime` then places them in the real zone. This
 * keeps the result independent of the machine's own time zone and correct across DST.
 */
import * as chrono from 'chrono-node';
import { addDays, wallClock, zonedDateTime } from '../hours.ts';
import { smallNumber, TEENS, UNITS } from './numbers.ts';
import { correctionSplits, withoutRejected } from './correction.ts';

export interface DateParts {
  year: number;
  month: number;
  day: number;
}
export interface TimeParts {
  hour: number;
  minute: number;
}

/** What a phrase said: a date, a time of day, or both; `at` when both are known. */
export interface When {
  date: DateParts | null;
  time: TimeParts | null;
  /** Whether the caller named the day (not just a time, for which today or tomorrow is assumed). */
  dateSaid: boolean;
  /** Whether the time came from a part of the day ("morning") rather than a clock time. */
  vague: boolean;
  at: Date | null;
  text: string;
}

const HOUR_WORDS = { ...UNITS, ...TEENS } as Record<string, number>;
const PREP = '(?:at|around|about|by|before|after|say|from|until|till|for)';
const DAY_PART =
  /\b(morning|afternoon|evening|tonight|noon|midday|lunch(?:time)?|first thing|end of (?:the )?day)\b/;

/** Rewrites spoken times into a form chrono reads: "two thirty pm" → "2:30 pm", "half past 2" → "2:30". */
export function normaliseTimeWords(input: string): string {
  let s = ` ${input.toLowerCase().replace(/[’]/g, "'")} `
    .replace(/\b([ap])\.?\s?m\b\.?/g, '$1m')
    .replace(/[,!?]/g, ' ')
    .replace(/\b(?:first thing)(?: in the morning)?\b/g, 'morning')
    .replace(/\bend of (?:the )?(?:day|business)\b/g, 'at 5 pm')
    .replace(/\blunch ?time\b|\blunch\b/g, 'noon')
    .replace(/\b(?:this coming|coming)\s+(?=mon|tue|wed|thu|fri|sat|sun)/g, '')
    .replace(/\b(?:at\s+)?(?:around|about|approximately|roughly|say)\b/g, 'at')
    .replace(/\bo'?\s?clock\b/g, '')
    .replace(/\s+/g, ' ');
  // Homophones of hours after a time preposition or before am/pm: "at too", "at for", "to pm".
  s = s
    .replace(
      new RegExp(`\\b${PREP} (?:too|to)\\b(?=\\s+(?:pm|am|in the|thirty|fifteen|forty|\\d|$))`, 'g'),
      'at two',
    )
    .replace(/\b(?:too|to) (?=pm\b|am\b)/g, 'two ')
    .replace(
      new RegExp(
        `\\b${PREP} (?:for|fore)\\b(?=\\s*(?:pm|am|in the|thirty|fifteen|forty|\\d|please|$|\\.|tomorrow|today|on))`,
        'g',
      ),
      'at four',
    )
    .replace(/\b(?:for|fore) (?=pm\b|am\b)/g, 'four ')
    .replace(new RegExp(`\\b${PREP} (?:ate)\\b`, 'g'), 'at eight')
    .replace(new RegExp(`\\b${PREP} (?:won)\\b`, 'g'), 'at one');
  // "half past two", "quarter past 3", "quarter to 4"
  s = s.replace(/\b(half|quarter) (past|after|to|till|of) (\w+)/g, (m, q, rel, h) => {
    const hour = h in HOUR_WORDS ? HOUR_WORDS[h] : /^\d{1,2}$/.test(h) ? Number(h) : null;
    if (hour === null) return m;
    const min = q === 'half' ? 30 : 15;
    if (rel === 'past' || rel === 'after') return `${hour}:${String(min).padStart(2, '0')}`;
    return `${hour === 1 ? 12 : hour - 1}:${60 - min}`;
  });
  // Hour words (and minutes) after a preposition or before am/pm / "in the ...".
  const words = s.trim().split(' ');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const prev = out[out.length - 1];
    const hour = w in HOUR_WORDS && HOUR_WORDS[w] >= 1 && HOUR_WORDS[w] <= 12 ? HOUR_WORDS[w] : null;
    if (hour !== null && w !== 'o' && w !== 'oh') {
      const rest = words.slice(i + 1);
      let minute: number | null = null;
      let used = 0;
      if ((rest[0] === 'oh' || rest[0] === 'o') && rest[1] in UNITS) {
        minute = UNITS[rest[1]];
        used = 2;
      } else {
        const m = smallNumber(rest);
        if (m && m.value >= 10 && m.value < 60 && !/^\d/.test(rest[0])) {
          minute = m.value;
          used = m.used;
        }
      }
      const after = rest[used];
      const timeContext = (prev && new RegExp(`^${PREP}$`).test(prev)) || after === 'am' || after === 'pm' ||
        (after === 'in' && rest[used + 1] === 'the') || minute !== null;
      if (timeContext) {
        out.push(minute !== null ? `${hour}:${String(minute).padStart(2, '0')}` : String(hour));
        i += used;
        continue;
      }
    }
    out.push(w);
  }
  return out.join(' ').replace(/\bat at\b/g, 'at');
}

function frameOf(now: Date, tz: string): Date {
  const w = wallClock(now, tz);
  return new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second));
}

/**
 * Resolve a phrase in the business time zone relative to `now`. A clock hour from 1 to 7 with no
 * AM/PM is taken as afternoon (nobody books a 3 AM callback); a time with no date is the next such
 * time; a weekday with no date is the next such day. Returns null when nothing date-like was said.
 *
 * A caller who corrects themselves ("Thursday at 3, actually make that Friday morning", "at 3, no
 * wait, 4") gets what they said last; what the correction leaves out (the day, or the time) is
 * kept from before it. Days turned down ("Friday rather than Thursday") are not read at all.
 */
export function parseWhen(text: string, now: Date, tz: string): When | null {
  const said = withoutRejected(text);
  for (const { before, after } of correctionSplits(said)) {
    const earlier = parseWhen(before, now, tz);
    const later = parseOnce(after, now, tz) ??
      (earlier?.time && BARE_TIME.test(after) ? parseOnce(`at ${after}`, now, tz) : null);
    if (!later) continue;
    if (!earlier) return later;
    // The text keeps the marker so that reading it again gives the same answer.
    return { ...mergeWhen(earlier, later, tz), text: `${earlier.text} actually ${later.text}` };
  }
  return parseOnce(said, now, tz);
}

/** An answer that is only a clock time ("4", "four thirty", "5 pm"): after a correction it is the hour. */
const BARE_TIME = new RegExp(
  `^(?:\\d{1,2}(?::\\d{2})?|${Object.keys(HOUR_WORDS).filter((w) => HOUR_WORDS[w] >= 1 && HOUR_WORDS[w] <= 12).join('|')})(?: (?:thirty|fifteen|forty five|forty-five|o'clock))?` +
    `(?: ?[ap]\\.? ?m\\.?)?[\\s.!?]*$`,
  'i',
);

function parseOnce(text: string, now: Date, tz: string): When | null {
  const s = normaliseTimeWords(text);
  const ref = frameOf(now, tz);
  const results = chrono.parse(s, { instant: ref, timezone: 'UTC' }, { forwardDate: true });
  if (!results.length) return null;
  let date: DateParts | null = null;
  let time: TimeParts | null = null;
  let meridiemKnown = false;
  let weekdayOnly = false;
  const matched: string[] = [];
  for (const r of results) {
    const c = r.start;
    // A bare number is not a time ("five" in "five business days" never reaches here, but "at 5" does).
    const hasDate = c.isCertain('day') || c.isCertain('weekday') || c.isCertain('month');
    const hasTime = c.isCertain('hour');
    if (!hasDate && !hasTime && !DAY_PART.test(r.text)) continue;
    matched.push(r.text);
    if (!date && (hasDate || (!hasTime && DAY_PART.test(r.text)))) {
      date = { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! };
      weekdayOnly = c.isCertain('weekday') && !c.isCertain('day');
    }
    if (!time && (hasTime || DAY_PART.test(r.text))) {
      time = { hour: c.get('hour') ?? 0, minute: c.get('minute') ?? 0 };
      meridiemKnown = c.isCertain('meridiem') || !hasTime;
      if (!date) date = { year: c.get('year')!, month: c.get('month')!, day: c.get('day')! };
    }
  }
  if (!date && !time) return null;
  const vague = !!time && !results.some((r) => r.start.isCertain('hour'));
  if (time && !meridiemKnown && time.hour >= 1 && time.hour <= 7) time.hour += 12;
  const dateSaid = results.some((r) => r.start.isCertain('day') || r.start.isCertain('weekday'));
  if (time && !dateSaid) date = nextDayFor(time, now, tz);
  let at = date && time ? zonedDateTime({ ...date, ...time }, tz) : null;
  if (at && weekdayOnly && at.getTime() <= now.getTime()) {
    date = addDays(date!, 7);
    at = zonedDateTime({ ...date, ...time! }, tz);
  }
  if (date) date = { year: date.year, month: date.month, day: date.day };
  return { date, time, dateSaid, vague, at, text: matched.join(' ') };
}

/** Today if this time of day is still ahead, else tomorrow. */
function nextDayFor(time: TimeParts, now: Date, tz: string): DateParts {
  const today = wallClock(now, tz);
  const date = { year: today.year, month: today.month, day: today.day };
  const at = zonedDateTime({ ...date, ...time }, tz);
  if (at.getTime() > now.getTime()) return date;
  const next = addDays(date, 1);
  return { year: next.year, month: next.month, day: next.day };
}

/** What earlier turns said about the time (as kept in state). */
export interface PartialWhen {
  date?: DateParts | null;
  time?: TimeParts | null;
  dateSaid?: boolean;
  vague?: boolean;
  text?: string;
}

/** Combine what earlier turns said with this one ("Friday" then "at 3", or "at 3" then "Friday"). */
export function mergeWhen(earlier: PartialWhen | null | undefined, cur: When, tz: string): When {
  const date = cur.dateSaid ? cur.date : earlier?.dateSaid && earlier.date ? earlier.date : cur.date;
  const dateSaid = cur.dateSaid || !!earlier?.dateSaid;
  const time = cur.time ?? earlier?.time ?? null;
  const vague = cur.time ? cur.vague : !!earlier?.vague;
  const at = date && time ? zonedDateTime({ ...date, ...time }, tz) : null;
  return { date, time, dateSaid, vague, at, text: [earlier?.text, cur.text].filter(Boolean).join(' ') };
}
