/** Candidate meeting slots inside business hours, and how a slot is said and recognised aloud. */
import type { AgentConfig } from '../brain/types.ts';
import { isOpenBySchedule, wallClock } from '../brain/hours.ts';
import type { Slot } from './calendar.ts';

const STEP_MS = 30 * 60_000;

/**
 * Every half-hour start from `leadMinutes` after `now` for `days` days whose whole meeting lies in
 * business hours (the schedule and holidays; an override speaks about now, not the future).
 */
export function candidateSlots(config: AgentConfig, now: Date, minutes: number, days = 7, leadMinutes = 120): Slot[] {
  const first = Math.ceil((now.getTime() + leadMinutes * 60_000) / STEP_MS) * STEP_MS;
  const out: Slot[] = [];
  for (let t = first; t < now.getTime() + days * 86_400_000; t += STEP_MS) {
    const start = new Date(t);
    const end = new Date(t + minutes * 60_000);
    if (isOpenBySchedule(config, start) && isOpenBySchedule(config, new Date(end.getTime() - 60_000))) {
      out.push({ start, end });
    }
  }
  return out;
}

/** Two slots to offer: the first free one, and the first free one on a later day (or later that day). */
export function slotsToOffer(free: Slot[], timeZone: string): Slot[] {
  if (free.length <= 1) return free;
  const day = (d: Date) => wallClock(d, timeZone).day;
  const other = free.find((s) => day(s.start) !== day(free[0].start)) ??
    free.find((s) => s.start.getTime() - free[0].start.getTime() >= 3 * 3_600_000) ?? free[1];
  return [free[0], other];
}

/** "Tuesday, December 1 at 10:30 AM" in the business's time zone. */
export function sayTime(at: Date, timeZone: string, locale = 'en-US'): string {
  const date = at.toLocaleDateString(locale, { weekday: 'long', month: 'long', day: 'numeric', timeZone });
  const time = at.toLocaleTimeString(locale, { hour: 'numeric', minute: '2-digit', timeZone });
  return `${date} at ${time}`;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

/**
 * Which offered slot the caller chose, or null: "the first", "second one", "the later one",
 * "Tuesday", "ten thirty", "1" on the keypad.
 */
export function chosenSlot(text: string, offered: Slot[], timeZone: string): number | null {
  const t = ` ${text.toLowerCase().replace(/[^a-z0-9: ]/g, ' ')} `;
  if (/\b(neither|none|no)\b/.test(t) && !/\bno problem\b/.test(t)) return null;
  if (/\b(first|1st|earlier|earliest|sooner|1)\b|\bthe first\b/.test(t)) return 0;
  if (offered.length > 1 && /\b(second|2nd|later|latter|other|2)\b/.test(t)) return 1;
  const hits = offered.map((s, i) => {
    const w = wallClock(s.start, timeZone);
    const hour12 = ((w.hour + 11) % 12) + 1;
    const dayHit = t.includes(` ${WEEKDAYS[w.weekday]} `);
    const hourHit = new RegExp(`\\b${hour12}(:${String(w.minute).padStart(2, '0')})?\\b`).test(t);
    return { i, score: (dayHit ? 2 : 0) + (hourHit ? 1 : 0) };
  }).filter((h) => h.score > 0).sort((a, b) => b.score - a.score);
  if (hits.length === 1 || (hits.length > 1 && hits[0].score > hits[1].score)) return hits[0].i;
  return null;
}
