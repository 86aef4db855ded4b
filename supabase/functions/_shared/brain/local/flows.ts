/**
 * Slot filling across turns: the lead flow (name → company → email → need → timeline → confirm)
 * and the callback flow (name → company when after hours → when → book → confirm the number),
 * plus hand-offs to a person. Each filled slot is saved through capture_lead straight away.
 */
import type { LeadFields } from '../types.ts';
import { chooseMember } from '../tools/transfer_to_human.ts';
import { firstName } from '../tools/routing.ts';
import type { Analysis } from './intents.ts';
import { say as phrase } from './phrases.ts';
import { parseSpokenEmail, speakEmail } from './slots/email.ts';
import { businessNoun, extractCompany, extractName } from './slots/names.ts';
import { isE164, parsePhone, speakLastFour, speakPhone } from './slots/phone.ts';
import { digitRuns } from './slots/numbers.ts';
import { type DateParts, mergeWhen, parseWhen, type TimeParts } from './slots/when.ts';
import { DAY_KEYS, zonedDateTime } from '../hours.ts';
import type { CallbackReason, Pending } from './state.ts';
import type { Utterance } from './text.ts';
import { callTool, known, say, type Work } from './work.ts';

const TIMELINE =
  /\b(?:asap|as soon as possible|right away|immediately|soon|this (?:week|month|quarter|year)|next (?:week|month|quarter|year)|in (?:a|an|one|two|three|four|six|a few|\d+) (?:days?|weeks?|months?)|within|by (?:the )?(?:end|january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|fall|autumn|winter)|no rush|not sure yet|just (?:looking|exploring|researching)|yesterday)\b/;
const TIME_WORDS =
  /\b(?:today|tomorrow|tonight|morning|afternoon|evening|noon|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|am|pm|o'clock)\b/;
const STRONG_NAME = /\b(?:my name|name is|name's|names|call me|i go by)\b/;

/** Pull every slot out of the caller's words and save new ones with capture_lead. */
export async function captureSlots(
  w: Work,
  u: Utterance,
  a: Analysis,
): Promise<{ filled: string[]; problem?: string }> {
  const p = w.st.pending;
  const have = known(w);
  const lead: LeadFields = {};
  const email = /\bat\b|@/.test(u.text) ? parseSpokenEmail(u.raw) : null;
  if (email && email !== have.email) lead.email = email;
  const phoneCue = p === 'phone' || p === 'confirm_phone' ||
    /\b(?:number|phone|cell|mobile|reach me (?:at|on)|call me (?:back )?(?:at|on))\b/.test(u.text) ||
    digitRuns(u.raw).some((r) => r.replace('+', '').length >= 10);
  const phone = phoneCue ? parsePhone(u.raw) : null;
  if (phone && phone !== have.phone) lead.phone = phone;
  const name = extractName(u, {
    expect: p === 'name' && !TIME_WORDS.test(u.text),
    weakCues: p !== 'company' && p !== 'email',
  });
  if (
    name && name !== have.name && (!have.name || p === 'name' || p === 'fix_lead' || STRONG_NAME.test(u.text))
  ) {
    lead.name = name;
  }
  const company = extractCompany(u, {
    expect: p === 'company' && !TIME_WORDS.test(u.text),
    afterName: p === 'name',
  });
  if (company && company !== have.company && company !== (lead.name ?? have.name)) lead.company = company;
  const noun = businessNoun(u);
  if (noun) w.st.businessNoun = noun;
  const plain = !a.question && !a.deny && !a.goodbye && !a.thanksOnly && !a.human && !a.callback;
  if ((a.lead && !have.need) || (p === 'need' && plain && u.tokens.length > 1)) {
    lead.need = cleanSentence(u.raw);
  }
  if (p === 'timeline' && plain) lead.timeline = cleanSentence(u.raw);
  else if ((a.lead || w.st.flow?.kind === 'lead') && !have.timeline && TIMELINE.test(u.text)) {
    // The whole answer when it is short ("within the next two weeks ideally"), else the phrase.
    lead.timeline = u.tokens.length <= 10 ? cleanSentence(u.raw) : TIMELINE.exec(u.text)![0];
  }
  if (!Object.keys(lead).length) return { filled: [] };
  const out = await callTool(w, 'capture_lead', lead as Record<string, unknown>);
  const saved = out.actions.lead ?? {};
  Object.assign(w.st.slots, saved);
  return { filled: Object.keys(saved), problem: out.ok ? undefined : out.result };
}

function cleanSentence(raw: string): string {
  return raw.replace(/^\s*(?:(?:hi|hello|hey|yeah|yes|so|well|um|uh|okay|ok)\b[\s,.!]*)+/i, '').trim().slice(
    0,
    500,
  );
}

/** Start (or restart) the lead flow. */
export function startLead(w: Work): void {
  if (w.st.flow?.kind !== 'lead') w.st.flow = { kind: 'lead' };
}

/** Start a callback flow; the time may already be in the same sentence. */
export function startCallback(w: Work, reason: CallbackReason, topic?: string, assignee?: string): void {
  const t = topic ?? w.st.topic;
  const member = assignee ? null : chooseMember({ turn: w.ctx, services: w.services }, t ?? '').member;
  w.st.flow = { kind: 'callback', reason, topic: t, assignee: assignee ?? member?.user_id };
  if (!w.st.callback?.at) w.st.callback = {};
}

function assigneeName(w: Work): string | undefined {
  const id = w.st.flow?.assignee;
  return w.ctx.team.find((m) => m.user_id === id)?.name;
}

/** Read a time out of this turn into the callback being arranged. */
export function takeWhen(w: Work, u: Utterance): boolean {
  const parsed = parseWhen(u.raw, w.ctx.now, w.ctx.config.timezone);
  if (!parsed) return false;
  const m = mergeWhen(w.st.callback, parsed, w.ctx.config.timezone);
  w.st.callback = {
    phone: w.st.callback?.phone,
    date: m.date,
    time: m.time,
    dateSaid: m.dateSaid,
    vague: m.vague,
    text: m.text,
  };
  return true;
}

async function book(w: Work, closing = false, rebook = false): Promise<boolean> {
  const cb = w.st.callback!;
  const time = cb.date && cb.time && cb.vague ? withinDay(w, cb.date, cb.time) : cb.time;
  const requested = cb.date && time
    ? zonedDateTime({ ...cb.date, ...time }, w.ctx.config.timezone).toISOString()
    : cb.text ?? '';
  const who = assigneeName(w);
  const name = known(w).name;
  const topic = w.st.flow?.topic;
  const notes = [
    `Callback${topic ? ` about ${topic.replaceAll('_', ' ')}` : ''}`,
    name && `for ${name}`,
    who && `(${who})`,
  ].filter(Boolean).join(' ');
  const out = await callTool(w, 'schedule_callback', { when: requested, phone: cb.phone, notes });
  if (!out.ok) {
    w.st.pending = isE164(cb.phone ?? w.ctx.callerNumber) ? 'when' : 'phone';
    say(w, out.result);
    return true;
  }
  const booked = out.actions.callback!;
  w.st.callback = { ...cb, at: booked.at, phone: booked.phone };
  // On a new number the time stays as already read back.
  if (!rebook) say(w, out.result);
  w.intent = 'callback';
  if (closing) {
    w.st.flow = { ...w.st.flow!, done: true };
    return true;
  }
  if (booked.phone !== w.ctx.callerNumber) {
    say(
      w,
      rebook && phrase.gotIt(),
      phrase.callbackPhoneOther(who, speakPhone(booked.phone)),
      phrase.anythingElse(),
    );
    w.st.pending = 'anything_else';
    w.st.flow = { ...w.st.flow!, done: true };
  } else {
    say(w, phrase.callbackPhone(who, speakLastFour(booked.phone)));
    w.st.pending = 'confirm_phone';
  }
  w.intent = 'callback';
  return true;
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
  w.st.pending = null;
  await advance(w);
  return true;
}

/** Re-book the callback at another number. */
export async function rebookPhone(w: Work, phone: string): Promise<void> {
  const wasBooked = !!w.st.callback?.at;
  w.st.callback = { ...w.st.callback, phone };
  if (w.st.callback.date && w.st.callback.time) await book(w, false, wasBooked);
}

/** Ask the next missing slot of the active flow, or finish it. Returns whether it said something. */
export async function advance(w: Work, closing = false): Promise<boolean> {
  const flow = w.st.flow;
  if (!flow || flow.done) return false;
  const have = known(w);
  const skipped = new Set(flow.skipped ?? []);
  const need = (slot: keyof typeof have) => !have[slot] && !skipped.has(slot);
  const ask = (slot: Pending, text: string) => {
    w.st.asked = w.st.pending === slot ? w.st.asked + 1 : 0;
    w.st.pending = slot;
    say(w, text);
    return true;
  };
  if (flow.kind === 'callback') {
    if (need('name')) return ask('name', phrase.ask.name(w.st.pending === 'name'));
    if (flow.reason === 'after_hours' && need('company')) {
      return ask('company', phrase.ask.company(w.st.businessNoun));
    }
    const cb = w.st.callback ?? {};
    if (cb.at) return false;
    if (cb.date && cb.time) return await book(w, closing);
    if (cb.date && !cb.time) return ask('when', phrase.ask.whenTime(dayWords(w)));
    return ask('when', phrase.ask.when(assigneeName(w)));
  }
  if (need('name')) return ask('name', phrase.ask.name(w.st.pending === 'name'));
  if (need('company')) return ask('company', phrase.ask.company(w.st.businessNoun));
  if (need('email')) return ask('email', phrase.ask.email(w.st.pending === 'email'));
  if (need('need')) return ask('need', phrase.ask.need());
  if (need('timeline')) return ask('timeline', phrase.ask.timeline());
  if (w.st.pending !== 'confirm_lead' && !skipped.has('confirm')) {
    const parts = [
      have.name ?? 'your details',
      have.company && `from ${have.company}`,
      have.email && `with the email ${speakEmail(have.email)}`,
    ].filter(Boolean).join(', ');
    flow.skipped = [...skipped, 'confirm'];
    return ask('confirm_lead', phrase.leadConfirm(parts));
  }
  return false;
}

/** Finish the lead flow after the caller confirmed. */
export function finishLead(w: Work): void {
  const who = chooseMember({ turn: w.ctx, services: w.services }, 'sales').member;
  say(w, phrase.leadDone(known(w).name, who?.name), phrase.anythingElse());
  w.st.flow = { ...w.st.flow!, done: true };
  w.st.pending = 'anything_else';
}

function dayWords(w: Work): string {
  const d = w.st.callback?.date;
  if (!d) return '';
  const day = new Date(Date.UTC(d.year, d.month - 1, d.day)).toLocaleDateString('en-US', {
    weekday: 'long',
    timeZone: 'UTC',
  });
  return `on ${day}`;
}

/** Connect the caller to a person; outside hours (or nobody to take it) arrange a callback instead. */
export async function handOff(w: Work, a: Analysis | null, reason: string, sorry = false): Promise<void> {
  const topic = a?.topics[0] ?? w.st.offer?.topic ?? w.st.topic;
  const failed = w.st.transfer?.failed ? w.st.transfer : undefined;
  const pick = chooseMember({ turn: w.ctx, services: w.services }, topic ?? '', a?.person?.name ?? '');
  if (failed && pick.member?.user_id === failed.user_id) {
    say(w, phrase.notAvailable(failed.name));
    startCallback(w, 'missed_transfer', topic, failed.user_id);
    await advance(w);
    w.intent = 'callback';
    return;
  }
  const out = await callTool(w, 'transfer_to_human', { topic, reason, person: a?.person?.name });
  w.st.offer = undefined;
  const t = w.actions.transfer;
  if (t) {
    const member = w.ctx.team.find((m) => m.user_id === t.user_id);
    w.st.transfer = { user_id: t.user_id, name: member?.name ?? '', topic: t.topic };
    say(w, phrase.connecting(sorry), out.result);
    w.st.pending = null;
    w.intent = 'human';
    return;
  }
  if (sorry) say(w, phrase.afterHoursSorry());
  say(w, out.result);
  startCallback(w, 'after_hours', topic, pick.member?.user_id);
  await advance(w);
  w.intent = 'message';
}

/** Acknowledge and offer a person (upset callers, billing disputes, cancellations, legal). */
export async function offerTransfer(w: Work, a: Analysis, reason: string, upset: boolean): Promise<void> {
  const topic = a.topics.find((t) => t !== 'complaint') ?? (a.complaint ? 'complaint' : undefined) ??
    w.st.topic;
  if (!w.ctx.withinHours) return await handOff(w, { ...a, topics: topic ? [topic] : a.topics }, reason, true);
  const { member } = chooseMember({ turn: w.ctx, services: w.services }, topic ?? '');
  if (!member) return await handOff(w, a, reason, true);
  w.st.offer = { topic, reason };
  w.st.pending = 'offer_transfer';
  say(w, upset ? phrase.offerTransfer(known(w).name, member.name) : phrase.offerTransferCalm(member.name));
  w.intent = upset ? 'complaint' : 'escalation_offer';
}

export { firstName };
