/**
 * schedule_callback: book a call back at a time the caller named in their own words, resolved in
 * the business's time zone relative to the turn's clock, moved into business hours when it falls
 * outside them, and never in the past.
 */
import type { AgentConfig, Tool } from '../types.ts';
import { addDays, isOpenBySchedule, nextOpening, speakDateTime, wallClock, zonedDateTime } from '../hours.ts';
import { parseWhen } from '../speech/when.ts';
import { isE164 } from '../speech/phone.ts';
import { normalisePhone } from './capture_lead.ts';
import { chooseMember } from './transfer_to_human.ts';
import { firstName } from './routing.ts';

/** Least notice for a callback. */
const MIN_NOTICE_MS = 15 * 60_000;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

export const CALLBACK_PROBLEMS = {
  when: "I didn't catch a day and time. When would suit you, for example tomorrow at 2 PM?",
  phone: "What's the best number to reach you, with the area code?",
} as const;

const CALLBACK_PROBLEMS_ES: Record<keyof typeof CALLBACK_PROBLEMS, string> = {
  when: 'No capté el día y la hora. ¿Cuándo le viene bien, por ejemplo mañana a las 2 p. m.?',
  phone: '¿Cuál es el mejor número para llamarle, con el código de área?',
};

/**
 * Where a requested time lands: itself if the business is open then and it is far enough ahead;
 * on a closed day (weekend, holiday) the same time on the next day that is open then; otherwise
 * the next opening. Never in the past.
 */
export type Placement = 'as_requested' | 'too_soon' | 'closed_day' | 'outside_hours';

export function placeCallback(
  config: AgentConfig,
  requested: Date,
  now: Date,
): { at: Date; placement: Placement } {
  const earliest = new Date(Math.ceil((now.getTime() + MIN_NOTICE_MS) / 300_000) * 300_000);
  const tooSoon = requested.getTime() < earliest.getTime();
  let at = tooSoon ? earliest : requested;
  let placement: Placement = tooSoon ? 'too_soon' : 'as_requested';
  if (!isOpenBySchedule(config, at)) {
    const sameTime = tooSoon ? null : sameTimeOnNextOpenDay(config, at);
    placement = tooSoon ? 'too_soon' : sameTime ? 'closed_day' : 'outside_hours';
    at = sameTime ?? nextOpening(config, at);
  }
  return { at: new Date(Math.floor(at.getTime() / 60_000) * 60_000), placement };
}

/** What was booked, and who will call (first name), as one sentence. */
const BOOKED: Record<Placement, (when: string, who?: string) => string> = {
  as_requested: (when, who) =>
    who ? `I've booked ${who} to call you back ${when}.` : `I've booked a callback for ${when}.`,
  too_soon: (when, who) => `The earliest I can book is ${when}, so I've booked ${who ?? 'a callback'} for then.`,
  closed_day: (when, who) =>
    `We're closed that day, so I've booked ${who ?? 'a callback'} for the next business day at the same time: ${when}.`,
  outside_hours: (when, who) =>
    `That's outside our business hours, so I've booked ${who ?? 'a callback'} for the next opening: ${when}.`,
};

const BOOKED_ES: Record<Placement, (when: string, who?: string) => string> = {
  as_requested: (when, who) =>
    who ? `He agendado que ${who} le devuelva la llamada ${when}.` : `He agendado una llamada ${when}.`,
  too_soon: (when, who) => `Lo más pronto que puedo agendar es ${when}, así que he agendado ${who ? `a ${who}` : 'la llamada'} para entonces.`,
  closed_day: (when, who) =>
    `Ese día estamos cerrados, así que he agendado ${who ? `a ${who}` : 'la llamada'} el siguiente día hábil a la misma hora: ${when}.`,
  outside_hours: (when, who) =>
    `Eso queda fuera de nuestro horario, así que he agendado ${who ? `a ${who}` : 'la llamada'} en el próximo horario de atención: ${when}.`,
};

function sameTimeOnNextOpenDay(config: AgentConfig, at: Date): Date | null {
  const w = wallClock(at, config.timezone);
  for (let d = 1; d <= 14; d++) {
    const day = addDays(w, d);
    const candidate = zonedDateTime({ ...day, hour: w.hour, minute: w.minute }, config.timezone);
    if (isOpenBySchedule(config, candidate)) return candidate;
  }
  return null;
}

/** A requested time from words or ISO 8601; a day without a time means that day's opening. */
export function resolveRequested(when: string, config: AgentConfig, now: Date): Date | null {
  if (ISO.test(when)) {
    const d = new Date(when);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const w = parseWhen(when, now, config.timezone);
  if (!w) return null;
  if (w.at) return w.at;
  if (w.date) return nextOpening(config, zonedDateTime({ ...w.date, hour: 0, minute: 0 }, config.timezone));
  return null;
}

export const scheduleCallback: Tool = {
  name: 'schedule_callback',
  description: 'Book a callback from the team. Pass the time in the caller\'s own words ("tomorrow at 2", ' +
    '"Monday morning") or as ISO 8601; it is resolved in the business time zone and moved into business hours. ' +
    'The phone defaults to the number the caller is calling from. Read back the time it returns.',
  parameters: {
    type: 'object',
    properties: {
      when: { type: 'string', description: 'When to call back, as the caller said it, or ISO 8601.' },
      phone: { type: 'string', description: 'Number to call if not the one the caller is calling from.' },
      notes: { type: 'string', description: 'What the callback is about, and for whom.' },
      topic: { type: 'string', description: 'The topic, e.g. "billing", "pricing", "integrations".' },
      person: { type: 'string', description: 'A team member the caller asked for by name, if any.' },
    },
    required: ['when'],
    additionalProperties: false,
  },
  handler(args, tc) {
    const { config, now, callerNumber } = tc.turn;
    const when = typeof args.when === 'string' ? args.when.trim() : '';
    const es = tc.language === 'es';
    const problems = es ? CALLBACK_PROBLEMS_ES : CALLBACK_PROBLEMS;
    const requested = when ? resolveRequested(when, config, now) : null;
    if (!requested) return Promise.resolve({ ok: false, result: problems.when, actions: {} });
    let phone: string | null = isE164(callerNumber) ? callerNumber : null;
    if (typeof args.phone === 'string' && args.phone.trim()) phone = normalisePhone(args.phone);
    if (!phone) return Promise.resolve({ ok: false, result: problems.phone, actions: {} });
    const { at, placement } = placeCallback(config, requested, now);
    const spoken = speakDateTime(at, config.timezone, now, es ? 'es' : 'en');
    const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
    const notes = text(args.notes, 500);
    // Who calls back is routed like a transfer; the task carries the topic and that person.
    const topicWords = text(args.topic, 120);
    const { member, topic } = chooseMember(tc, topicWords ?? '', text(args.person, 80) ?? '');
    return Promise.resolve({
      ok: true,
      result: (es ? BOOKED_ES : BOOKED)[placement](spoken, member ? firstName(member.name) : undefined),
      actions: {
        callback: { at: at.toISOString(), phone, notes, topic: topic ?? topicWords, user_id: member?.user_id },
      },
    });
  },
};
