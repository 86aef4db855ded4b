/** The local analyser's summary: who called and about what, then what came of it. */
import type { CallAnalysis, CallRecord, Outcome } from './record.ts';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

function localTime(at: string, tz: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: tz ?? 'UTC',
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(new Date(at));
  } catch {
    return new Date(at).toISOString();
  }
}

function listWords(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** 'Dana Whitfield from Orchard Dental called about pricing.' */
export function subjectOf(
  r: CallRecord,
  f: CallAnalysis['fields'],
  topics: string[],
  texts: string[],
): string {
  const person = f.name
    ? (f.company ? `${f.name} from ${f.company}` : f.name)
    : (f.company ? `A caller from ${f.company}` : 'A caller');
  if (r.direction === 'outbound') {
    const about = r.turns.length ? '' : ' and did not reach them';
    return `The agent called ${f.name ?? 'the customer'} back${about}.`;
  }
  if (texts.length === 0) return `${person} called.`;
  if (f.need) return `${person} called about ${clip(f.need, 120)}.`;
  if (topics.length) return `${person} called about ${listWords(topics)}.`;
  const first = texts.find((t) => t.trim().split(/\s+/).length >= 3) ?? texts[0];
  return `${person} called and said: "${clip(first.trim(), 120)}"`;
}

/** What came of the call, from the facts the call functions stored. */
export function outcomeSentence(r: CallRecord, outcome: Outcome): string {
  if (r.direction === 'outbound' && outcome === 'abandoned') {
    return r.turns.length ? 'They did not speak.' : '';
  }
  switch (outcome) {
    case 'escalated':
      return ['completed', 'answered'].includes(r.transferStatus ?? '')
        ? 'They were transferred to a team member.'
        : `They asked for a person and the transfer was not answered${
          r.transferStatus ? ` (${r.transferStatus})` : ''
        }.`;
    case 'callback_booked':
      return r.callback
        ? `A callback is booked for ${localTime(r.callback.scheduled_for, r.config?.timezone)}.`
        : 'A callback is booked.';
    case 'message_taken':
      return 'They left a message for the team.';
    case 'lead_captured':
      return 'They left their contact details.';
    case 'abandoned':
      return 'They hung up before saying anything.';
    default:
      return 'The agent answered their questions.';
  }
}
