/**
 * The callback flow: a time is booked as soon as one is known (the caller's name is nice to have,
 * never a precondition), then the number is confirmed, then whatever is still missing (name, and the
 * company after hours) is asked. A caller who leaves before giving a time still gets the promised
 * callback, at the next opening.
 */
import { chooseMember } from '../tools/transfer_to_human.ts';
import { DAY_KEYS, speakDateTime, zonedDateTime } from '../hours.ts';
import { phrasesFor } from './phrases.ts';
import { isE164, speakLastFour, speakPhone } from '../speech/phone.ts';
import { type DateParts, mergeWhen, parseWhen, type TimeParts } from '../speech/when.ts';
import type { CallbackReason, Pending } from './state.ts';
import type { Utterance } from '../speech/text.ts';
import { askFor, callTool, known, say, setPending, type Work } from './work.ts';

const phrase = (w: Work) => phrasesFor(w.st.lang);

/** "Whenever", "as soon as possible": the earliest time the team can call. */
const ASAP =
  /\b(?:asap|as soon as (?:possible|you can|they can|someone can)|whenever|any ?time(?! of)|first available|earliest|next available|doesn't matter|does not matter|don't mind|up to you|you pick|any day)\b/;

/** "Use this number", "the number I'm calling from is fine". */
export const SAME_NUMBER =
  /\b(?:use|call|reach|try|on|at) (?:me )?(?:(?:at|on) )?(?:this|the same|same|my current) (?:number|phone number|phone|line|cell(?: number)?)\b|\b(?:this|the|same) number (?:i'm|im|i am) (?:calling|ringing) (?:from|on)\b|\b(?:this|that|the same) number (?:is|works|will do|'s) ?(?:fine|good|best|great|ok|okay|perfect)?\b/;

/** Start a callback flow; the time may already be in the same sentence. */
export function startCallback(w: Work, reason: CallbackReason, topic?: string, assignee?: string): void {
  const t = topic ?? w.st.topic;
  const member = assignee ? null : chooseMember({ turn: w.ctx, services: w.services }, t ?? '').member;
  w.st.flow = { kind: 'callback', reason, topic: t, assignee: assignee ?? member?.user_id };
  if (!w.st.callback?.at) w.st.callback = {};
}

export function assigneeName(w: Work): string | undefined {
  const id = w.st.flow?.assignee;
  return w.ctx.team.find((m) => m.user_id === id)?.name;
}

/**
 * Read a time out of this turn into the callback being arranged. With `asap`, "whenever" or "as
 * soon as possible" also counts (the earliest opening).
 */
export function takeWhen(w: Work, u: Utterance, asap = false): boolean {
  const parsed = parseWhen(u.raw, w.ctx.now, w.ctx.config.timezone);
  if (!parsed) {
    if (!asap || !ASAP.test(u.text)) return false;
    w.st.callback = { phone: w.st.callback?.phone, phoneOk: w.st.callback?.phoneOk, asap: true };
    return true;
  }
  const m = mergeWhen(w.st.callback, parsed, w.ctx.config.timezone);
  w.st.callback = {
    phone: w.st.callback?.phone,
    phoneOk: w.st.callback?.phoneOk,
    date: m.date,
    time: m.time,
    dateSaid: m.dateSaid,
    vague: m.vague,
    text: m.text,
  };
  return true;
}

/** Whether a callback is wanted but not booked yet. */
export function callbackOpen(w: Work): boolean {
  return w.st.flow?.kind === 'callback' && !w.st.flow.done && !w.st.callback?.at && !w.st.noCallback;
}

async function book(w: Work, closing = false, rebook = false): Promise<boolean> {
  const cb = w.st.callback!;
  const time = cb.date && cb.time && cb.vague ? withinDay(w, cb.date, cb.time) : cb.time;
  const requested = cb.date && time
    ? zonedDateTime({ ...cb.date, ...time }, w.ctx.config.timezone).toISOString()
    : cb.asap || !cb.text
    ? w.ctx.now.toISOString()
    : cb.text;
  const name = known(w).name;
  const topic = w.st.flow?.topic;
  const notes = [
    `Callback${topic ? ` about ${topic.replaceAll('_', ' ')}` : ''}`,
    name && `for ${name}`,
  ].filter(Boolean).join(' ');
  const out = await callTool(w, 'schedule_callback', {
    when: requested,
    phone: cb.phone,
    notes,
    topic,
    person: assigneeName(w),
  });
  if (!out.ok) {
    if (closing) return false;
    setPending(w, isE164(cb.phone ?? w.ctx.callerNumber) ? 'when' : 'phone');
    say(w, out.result);
    return true;
  }
  const booked = out.actions.callback!;
  // Who calls back is who the task is for; the reply names no one else.
  if (booked.user_id) w.st.flow = { ...w.st.flow!, assignee: booked.user_id };
  const who = assigneeName(w);
  w.st.callback = { ...cb, at: booked.at, phone: booked.phone };
  w.intent = 'callback';
  if (closing) {
    // The caller is leaving: say what was booked, in one sentence.
    const when = speakDateTime(new Date(booked.at), w.ctx.config.timezone, w.ctx.now, w.st.lang);
    say(w, cb.date && cb.time ? out.result : phrase(w).bookedOnLeaving(who, when));
    w.st.flow = { ...w.st.flow!, done: true };
    return true;
  }
  // On a new number the time stays as already read back.
  if (!rebook) say(w, out.result);
  if (booked.phone !== w.ctx.callerNumber) {
    say(w, rebook && phrase(w).gotIt(), phrase(w).callbackPhoneOther(who, speakPhone(booked.phone)));
    setPending(w, null);
    if (!(await askMissing(w))) close(w);
  } else if (cb.phoneOk) {
    setPending(w, null);
    if (!(await askMissing(w))) close(w);
  } else {
    say(w, phrase(w).callbackPhone(who, speakLastFour(booked.phone)));
    setPending(w, 'confirm_phone');
  }
  return true;
}

/** The caller is leaving before a callback was booked: book the time said, else the next opening. */
export async function bookOnLeaving(w: Work, u?: Utterance): Promise<void> {
  if (!callbackOpen(w)) return;
  if (u) takeWhen(w, u);
  const cb = w.st.callback ?? {};
  if (!(cb.date && cb.time)) {
    // A day without a time: that day's opening; nothing at all: the next opening.
    w.st.callback = { phone: cb.phone, phoneOk: cb.phoneOk, asap: !cb.date || !cb.text, text: cb.text };
  }
  await book(w, true);
}

/** A part of the day ("Monday morning") kept inside that day's opening hours. */
function withinDay(w: Work, date: DateParts, time: TimeParts): TimeParts {
  const weekday = new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay();
  const spans = (w.ctx.config.business_hours[DAY_KEYS[weekday]] ?? []).map(([o, c]) => [toMin(o), toMin(c)]);
  if (!spans.length) return time;
  const t = time.hour * 60 + time.minute;
  const open = Math.min(...spans.map(([o]) => o));
  const close = Math.max(...spans.map(([, c]) => c));
  const m = t < open ? open : t >= close ? Math.max(open, close - 60) : t;
  return { hour: Math.floor(m / 60), minute: m % 60 };
}

function toMin(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h || 0) * 60 + (m || 0);
}

const RESCHEDULE =
  /\b(?:actually|instead|change|make it|rather|how about|what about|can we do|could we do|reschedule|move it|switch)\b/;

/** A new time for a callback already booked ("actually, make it Monday at 1"): book it again. */
export async function reschedule(w: Work, u: Utterance): Promise<boolean> {
  const cb = w.st.callback;
  if (!cb?.at || w.st.flow?.kind !== 'callback') return false;
  if (w.st.pending !== 'confirm_phone' && !RESCHEDULE.test(u.text)) return false;
  const parsed = parseWhen(u.raw, w.ctx.now, w.ctx.config.timezone);
  if (!parsed) return false;
  const m = mergeWhen(cb, parsed, w.ctx.config.timezone);
  w.st.callback = {
    phone: cb.phone,
    date: m.date,
    time: m.time,
    dateSaid: m.dateSaid,
    vague: m.vague,
    text: m.text,
  };
  w.st.flow = { ...w.st.flow, done: false };
  setPending(w, null);
  await advanceCallback(w);
  return true;
}

/** Re-book the callback at another number. */
export async function rebookPhone(w: Work, phone: string): Promise<void> {
  const wasBooked = !!w.st.callback?.at;
  w.st.callback = { ...w.st.callback, phone };
  if ((w.st.callback.date && w.st.callback.time) || w.st.callback.asap) await book(w, false, wasBooked);
}

const ask = askFor;

/** After booking: the name (and the company after hours) if still missing. */
function askMissing(w: Work): boolean {
  const flow = w.st.flow!;
  const have = known(w);
  const skipped = new Set(flow.skipped ?? []);
  const booked = !!w.st.callback?.at;
  if (!have.name && !skipped.has('name')) {
    const again = w.st.pending === 'name';
    return ask(w, 'name', booked && !again ? phrase(w).ask.nameForCallback() : phrase(w).ask.name(again));
  }
  if (flow.reason === 'after_hours' && !have.company && !skipped.has('company')) {
    return ask(w, 'company', phrase(w).ask.company(w.st.businessNoun));
  }
  return false;
}

function close(w: Work): void {
  w.st.flow = { ...w.st.flow!, done: true };
  say(w, phrase(w).anythingElse());
  setPending(w, 'anything_else');
}

/** The callback flow's next step. Returns whether it said something. */
export async function advanceCallback(w: Work, closing = false): Promise<boolean> {
  const cb = w.st.callback ?? {};
  if (w.st.noCallback && !cb.at) {
    // A message only: who it is from, then nothing is booked.
    if (closing) return false;
    if (askMissing(w)) return true;
    close(w);
    return true;
  }
  if (!cb.at && ((cb.date && cb.time) || cb.asap)) return await book(w, closing);
  if (closing) return false;
  if (cb.at && w.st.pending === 'confirm_phone') {
    // Something else came first (a name, a question): ask about the number again.
    say(w, phrase(w).confirmPhoneAgain(speakLastFour(cb.phone ?? w.ctx.callerNumber)));
    return true;
  }
  if (askMissing(w)) return true;
  if (cb.at) {
    close(w);
    return true;
  }
  if (cb.date && !cb.time) return ask(w, 'when', phrase(w).ask.whenTime(dayWords(w)));
  return ask(w, 'when', phrase(w).ask.when(assigneeName(w)));
}

/** The caller confirmed the number: all set, then anything still missing. */
export function phoneConfirmed(w: Work): void {
  say(w, phrase(w).allSet());
  setPending(w, null);
  if (!askMissing(w)) close(w);
}

function dayWords(w: Work): string {
  const d = w.st.callback?.date;
  if (!d) return '';
  const day = new Date(Date.UTC(d.year, d.month - 1, d.day)).toLocaleDateString(w.st.lang === 'es' ? 'es-US' : 'en-US', {
    weekday: 'long',
    timeZone: 'UTC',
  });
  return w.st.lang === 'es' ? `el ${day}` : `on ${day}`;
}

/** "Will they know I want to cancel?", "who's calling me?", "when will Sam call?" */
export const TASK_QUESTION =
  /\b(?:will|do|does|did|would|is|are) (?:they|he|she|someone|somebody|the team|the person|[a-z]+) (?:know|have|see|get|be told|understand|remember|aware|going to know|be calling|call)\b|\bwho(?:'s| is| will be| will)?(?: going to| gonna)? (?:call|calling|ring)\b|\bwhen (?:will|are|is|does) (?:they|he|she|someone|[a-z]+) (?:call|calling|ring)\b|\bwhat time (?:is|will|are|was)\b|\b(?:sabr[aá]n?|sabe|qui[eé]n me (?:va a )?llama|cu[aá]ndo me llaman?)\b/;

/**
 * The caller asks what the booked callback holds: answer from the task (who, when), and add what
 * they now say it is about to its note, so the person who calls knows.
 */
export async function confirmTask(w: Work, u: Utterance, topics: string[]): Promise<void> {
  const cb = w.st.callback!;
  w.intent = 'callback_confirm';
  const topic = topics.find((t) => t !== 'complaint') ?? w.st.flow?.topic;
  const known_ = w.st.flow?.topic;
  if (topic && topic !== known_) {
    // The note gains what the caller now says; the booking itself stays as it is.
    w.st.flow = { ...w.st.flow!, topic };
    const name = known(w).name;
    const notes = `Callback about ${topic.replaceAll('_', ' ')}${name ? ` for ${name}` : ''}: "${u.raw.slice(0, 200)}"`;
    await callTool(w, 'schedule_callback', { when: cb.at, phone: cb.phone, notes, topic, person: assigneeName(w) });
  }
  const when = speakDateTime(new Date(cb.at!), w.ctx.config.timezone, w.ctx.now, w.st.lang);
  say(w, phrase(w).taskConfirm(assigneeName(w), topic?.replaceAll('_', ' '), when));
}
