/** Display formatting shared by the server and the browser. Times show in the business's zone. */

export function dateTime(value: Date | string | null | undefined, timeZone: string): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat('en-US', { timeZone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(value));
}

export function time(value: Date | string | null | undefined, timeZone: string): string {
  if (!value) return '—';
  return new Intl.DateTimeFormat('en-US', { timeZone, timeStyle: 'short' }).format(new Date(value));
}

/** `YYYY-MM-DDTHH:MM` in the zone, for a datetime-local input. */
export function localInput(value: Date | string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(value))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

export function duration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** Money in dollars and cents; a positive amount below one cent shows as "<$0.01", not "$0.00". */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value > 0 && value < 0.005) return '<$0.01';
  const sign = value < 0 ? '-' : '';
  return `${sign}$${Math.abs(value).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

export function sentiment(score: number | null | undefined): { label: string; tone: '' | 'good' | 'warn' | 'bad' } {
  if (score === null || score === undefined) return { label: '—', tone: '' };
  if (score >= 0.25) return { label: `positive (${score.toFixed(2)})`, tone: 'good' };
  if (score <= -0.25) return { label: `negative (${score.toFixed(2)})`, tone: 'bad' };
  return { label: `neutral (${score.toFixed(2)})`, tone: 'warn' };
}

export function label(value: string | null | undefined): string {
  return value ? value.replace(/_/g, ' ') : '—';
}

export function outcomeTone(outcome: string | null): '' | 'good' | 'warn' | 'bad' {
  if (outcome === 'lead_captured' || outcome === 'callback_booked') return 'good';
  if (outcome === 'escalated' || outcome === 'message_taken') return 'warn';
  if (outcome === 'abandoned') return 'bad';
  return '';
}
