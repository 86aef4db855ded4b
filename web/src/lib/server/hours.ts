/**
 * Business hours as the settings form writes them: one text field per day such as
 * "09:00-12:00, 13:00-18:00" (empty = closed), to and from the `business_hours` JSON.
 */
import type { WeeklyHours } from './queries/settings.ts';

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const CLOSE = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** "9:00-17:30" → ["09:00", "17:30"]; hours may be written without the leading zero. */
const pad = (t: string) => (/^\d:\d\d$/.test(t) ? `0${t}` : t);

/** The spans of one day, or an error message. */
export function parseDaySpans(text: string): { spans: [string, string][] } | { error: string } {
  const trimmed = text.trim();
  if (!trimmed || /^closed$/i.test(trimmed)) return { spans: [] };
  const spans: [string, string][] = [];
  for (const part of trimmed.split(',')) {
    const m = part.trim().match(/^(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})$/);
    if (!m) return { error: 'Write hours like 09:00-18:00 (several spans separated by commas), or leave empty for closed.' };
    const [open, close] = [pad(m[1]), pad(m[2])];
    if (!TIME.test(open) || !CLOSE.test(close)) return { error: `${part.trim()} is not a valid time span.` };
    if (open >= close) return { error: `${part.trim()}: the opening time must be before the closing time.` };
    spans.push([open, close]);
  }
  spans.sort((a, b) => a[0].localeCompare(b[0]));
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) return { error: 'The spans overlap.' };
  }
  return { spans };
}

export function formatDaySpans(spans: [string, string][] | undefined): string {
  return (spans ?? []).map(([a, b]) => `${a}-${b}`).join(', ');
}

export function formatWeek(hours: WeeklyHours): Record<string, string> {
  return Object.fromEntries(Object.entries(hours).map(([day, spans]) => [day, formatDaySpans(spans)]));
}
