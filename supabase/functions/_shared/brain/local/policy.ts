/**
 * The local engine's policy for a spoken turn: which of the caller's intents wins, in a fixed
 * order (safety first: role changes, wrong numbers; then answers to the agent's own yes/no
 * question; then hand-offs; then the active flow; then questions), and what the agent says.
 */
import { alwaysHumanTopics } from '../tools/routing.ts';
import { acknowledge, answer, answerMemory, answerOrRepair, goodbye, miss } from './answers.ts';
import { analyse, type Analysis } from './intents.ts';
import { say as phrase } from './phrases.ts';
import { advance, captureSlots, finishLead, handOff, offerTransfer, startLead } from './flows.ts';
import {
  bookOnLeaving,
  phoneConfirmed,
  rebookPhone,
  reschedule,
  SAME_NUMBER,
  startCallback,
  takeWhen,
} from './callback.ts';
import { type Utterance, utterance } from '../speech/text.ts';
import { callTool, known, say, type Work } from './work.ts';

export { goodbye, miss };

const YES_NO = new Set([
  'confirm_phone',
  'confirm_lead',
  'offer_transfer',
  'offer_callback',
  'anything_else',
]);
const SLOT_PENDING = new Set(['name', 'company', 'email', 'phone', 'need', 'timeline', 'when']);

/** Handle one spoken turn. */
export async function speechTurn(w: Work, text: string, confidence?: number): Promise<void> {
  const u = utterance(text);
  const a = analyse(u, w.ctx.config, w.ctx.team);
  if (a.topics.length) w.st.topic = a.topics.find((t) => t !== 'complaint') ?? w.st.topic ?? a.topics[0];
  if (a.injection) {
    w.intent = 'injection';
    say(w, phrase.refuse(w.ctx.config.business_name));
    return;
  }
  if (confidence !== undefined && confidence > 0 && confidence < 0.2 && !a.goodbye && !a.affirm && !a.deny) {
    return miss(w);
  }
  if (a.notInterested && !a.lead) {
    w.intent = 'not_interested';
    say(w, phrase.notInterested());
    await callTool(w, 'end_call', { reason: 'caller not interested' });
    return;
  }
  if (a.wrongNumber && !a.human) {
    w.intent = 'wrong_number';
    say(w, phrase.wrongNumber(w.ctx.config.business_name));
    await callTool(w, 'end_call', { reason: 'wrong number' });
    return;
  }
  const slots = await captureSlots(w, u, a);
  const inCallback = w.st.flow?.kind === 'callback' && !w.st.flow.done;
  const booked = !!w.st.callback?.at;
  // In a callback flow a time is taken whenever it is said, whatever was asked.
  const tookWhen = inCallback && !booked && w.st.pending !== 'when' && takeWhen(w, u);
  if (inCallback && slots.filled.includes('phone')) {
    w.st.callback = { ...w.st.callback, phone: w.st.slots.phone, phoneOk: true };
    if (w.st.pending === 'confirm_phone' || w.st.pending === 'phone') {
      w.st.misses = 0;
      await rebookPhone(w, w.st.slots.phone!);
      if (!w.parts.length) await advance(w);
      return;
    }
  } else if (inCallback && SAME_NUMBER.test(u.text) && !a.deny) {
    // "Use this number": the number is confirmed, whenever it is said.
    w.st.callback = { ...w.st.callback, phone: undefined, phoneOk: true };
    if (w.st.pending === 'confirm_phone' || (booked && !slots.filled.length && !tookWhen)) {
      w.st.misses = 0;
      w.intent = 'callback_phone';
      phoneConfirmed(w);
      return;
    }
    if (!tookWhen && !slots.filled.length && !a.question) {
      w.intent = 'callback_phone';
      say(w, phrase.sameNumber());
      w.st.pending = null;
      await advance(w);
      return;
    }
  }
  if (await reschedule(w, u)) return;
  if (w.st.pending && YES_NO.has(w.st.pending) && await answerYesNo(w, a, u)) return;

  if (a.human || a.emergency) {
    w.st.misses = 0;
    return handOff(w, a, a.emergency ? 'emergency' : 'caller asked for a person');
  }
  const mustHuman = alwaysHumanTopics(w.ctx.config).find((t) => needsPerson(a, t));
  if (a.upset || a.billingDispute || a.cancelRequest || mustHuman) {
    w.st.misses = 0;
    const reason = a.billingDispute
      ? 'billing dispute'
      : a.cancelRequest
      ? 'cancellation'
      : a.upset
      ? 'upset caller'
      : `${mustHuman!.replaceAll('_', ' ')} (always handled by a person)`;
    return offerTransfer(w, a, reason, a.upset || a.complaint);
  }
  if (a.issue && !w.st.flow) {
    w.st.misses = 0;
    // Something broken goes to whoever takes technical problems, whatever else was mentioned.
    const topics = ['technical', ...a.topics.filter((t) => t !== 'technical')];
    return offerTransfer(w, { ...a, topics }, 'caller reports a problem', false);
  }
  if (a.callback && !(inCallback && booked)) {
    w.st.misses = 0;
    w.intent = 'callback';
    if (!inCallback) startCallback(w, 'request', a.topics[0], a.person?.user_id);
    takeWhen(w, u, true);
    if (slots.filled.includes('phone')) {
      w.st.callback = { ...w.st.callback, phone: w.st.slots.phone, phoneOk: true };
    }
    if (slots.filled.includes('name')) say(w, phrase.thanksName(known(w).name!));
    await advance(w);
    return;
  }
  if (a.memory) {
    w.intent = 'memory';
    answerMemory(w, a);
    await advance(w);
    return;
  }
  const slotPending = !!w.st.pending && SLOT_PENDING.has(w.st.pending);
  if (a.goodbye && !a.question && !(slotPending && a.deny && !a.goodbyeStrong)) {
    // A promised callback is booked before hanging up: the time said, else the next opening.
    await bookOnLeaving(w, u);
    return goodbye(w);
  }
  if (slots.problem) {
    say(w, slots.problem);
    return;
  }
  if (tookWhen && !slots.filled.length) {
    // A caller who asked for a callback and answers with a time gets it booked; the name is not
    // worth a second question (after hours and after a missed transfer it is still asked for).
    const flow = w.st.flow!;
    const required = flow.reason === 'after_hours' || flow.reason === 'missed_transfer';
    if (!required && w.st.callback?.date && w.st.callback.time) {
      flow.skipped = [...(flow.skipped ?? []), 'name'];
    }
    w.intent = 'callback_when';
    if (!w.st.callback?.time) say(w, phrase.gotIt());
    w.st.pending = null;
    await advance(w);
    return;
  }
  if (w.st.flow && !w.st.flow.done && slotPending && await continueFlow(w, u, a, slots.filled)) return;
  if (w.st.pending === 'fix_lead' && await fixLead(w, u, slots.filled)) return;
  if (a.lead) {
    w.st.misses = 0;
    w.intent = 'lead';
    startLead(w);
    if (a.question) await answer(w, u, a, false);
    else if (slots.filled.some((f) => f !== 'need' && f !== 'timeline')) acknowledge(w, slots.filled);
    else say(w, phrase.interested());
    await advance(w);
    return;
  }
  if (await answerOrRepair(w, u, a, slots.filled)) await advance(w);
}

/**
 * Whether an always-human topic was raised as a request rather than mentioned: a billing dispute
 * (not "how does billing work?"), a wish to cancel (not "can I cancel any time?"), a complaint, a
 * legal matter; any other configured topic when it is not put as a question.
 */
function needsPerson(a: Analysis, topic: string): boolean {
  switch (topic) {
    case 'billing':
      return a.billingDispute;
    case 'cancellation':
      return a.cancelRequest;
    case 'complaint':
      return a.complaint && !a.question;
    case 'legal':
      return a.legal;
    case 'emergency':
      return false; // put through directly, above
    default:
      return a.topics.includes(topic) && !a.question;
  }
}

/** After "what should I correct?": the caller names the field, or just gives the new value. */
async function fixLead(w: Work, u: Utterance, filled: string[]): Promise<boolean> {
  if (filled.length) {
    acknowledge(w, filled);
    w.st.pending = null;
    if (w.st.flow) w.st.flow.skipped = (w.st.flow.skipped ?? []).filter((s) => s !== 'confirm');
    await advance(w);
    return true;
  }
  const field = /\b(e-?mail|address)\b/.test(u.text)
    ? 'email'
    : /\b(company|business|practice)\b/.test(u.text)
    ? 'company'
    : /\bname\b/.test(u.text)
    ? 'name'
    : null;
  if (!field) return false;
  // An empty slot hides the old value (also one from the customer row) until the new one is given.
  w.st.slots[field] = '';
  if (w.st.flow) w.st.flow.skipped = (w.st.flow.skipped ?? []).filter((s) => s !== 'confirm' && s !== field);
  w.st.pending = null;
  await advance(w);
  return true;
}

/** The caller answered the agent's yes/no question; returns false to treat the words afresh. */
async function answerYesNo(w: Work, a: Analysis, u: Utterance): Promise<boolean> {
  const plain = (a.affirm || a.deny) && !a.human && !a.callback && !a.lead && !a.question && !a.memory &&
    !a.goodbyeStrong;
  const p = w.st.pending;
  if ((p === 'offer_transfer' || p === 'offer_callback') && a.deny && a.question) {
    // "No, I just want to know ..." declines the offer and asks something else.
    w.st.offer = undefined;
    w.st.pending = null;
    say(w, phrase.skipOk());
    return false;
  }
  if (p === 'anything_else' && (a.deny || a.thanksOnly || a.goodbye) && !a.question) {
    await goodbye(w);
    return true;
  }
  if (!plain) {
    if (p === 'confirm_phone' && (a.goodbye || a.thanksOnly)) {
      if (a.goodbye) await goodbye(w);
      else phoneConfirmed(w);
      return true;
    }
    return false;
  }
  w.st.misses = 0;
  w.st.pending = null;
  w.intent = a.affirm && !a.deny ? 'affirm' : 'deny';
  if (p === 'offer_transfer') {
    if (a.affirm && !a.deny) await handOff(w, null, w.st.offer?.reason ?? 'caller accepted a transfer');
    else {
      w.st.offer = undefined;
      say(w, phrase.declinedTransfer());
      w.intent = 'deny';
    }
    return true;
  }
  if (p === 'offer_callback') {
    if (a.affirm && !a.deny) {
      startCallback(w, 'offer', w.st.topic);
      takeWhen(w, u);
      await advance(w);
    } else {
      say(w, phrase.declinedCallback(), phrase.anythingElse());
      w.st.pending = 'anything_else';
    }
    return true;
  }
  if (p === 'confirm_phone') {
    if (a.deny && !a.affirm) {
      w.st.pending = 'phone';
      say(w, phrase.ask.phone());
    } else phoneConfirmed(w);
    return true;
  }
  if (p === 'confirm_lead') {
    if (a.deny && !a.affirm) {
      w.st.pending = 'fix_lead';
      say(w, phrase.fixWhat());
    } else finishLead(w);
    return true;
  }
  if (p === 'anything_else') {
    say(w, phrase.whatElse());
    return true;
  }
  return false;
}

/** An answer to the flow's pending slot question (or a detour to answer a question first). */
async function continueFlow(w: Work, u: Utterance, a: Analysis, filled: string[]): Promise<boolean> {
  const p = w.st.pending!;
  const flow = w.st.flow!;
  w.intent = `${flow.kind}_${p}`;
  // A time given instead of the company ("tomorrow at 9") answers the next question: take it.
  if (
    (p === 'when' || (p === 'company' && flow.kind === 'callback' && !filled.includes('company'))) &&
    takeWhen(w, u, p === 'when')
  ) {
    if (p === 'company') flow.skipped = [...(flow.skipped ?? []), 'company'];
    w.st.misses = 0;
    if (filled.includes('name')) acknowledge(w, filled);
    await advance(w);
    return true;
  }
  if (filled.includes(p) || (p === 'need' && filled.includes('need'))) {
    w.st.misses = 0;
    acknowledge(w, filled);
    if (flow.kind === 'callback' && !w.st.callback?.at) takeWhen(w, u);
    await advance(w);
    return true;
  }
  if (a.question || a.hours || a.identity) return false;
  if (filled.some((f) => f !== 'need' && f !== 'timeline')) {
    // Another detail than the one asked for ("my email is ..." when asked the name): take it, ask again.
    w.st.misses = 0;
    acknowledge(w, filled);
    w.st.pending = null;
    await advance(w);
    return true;
  }
  if (
    a.deny ||
    /\b(?:rather not|prefer not|skip|don't have (?:one|an?)|no (?:email|company)|not sure|no idea|don't know)\b/
      .test(u.text) ||
    w.st.asked >= 1
  ) {
    // No time given: the earliest opening ("no idea", "you pick").
    if (p === 'when' && flow.kind === 'callback') w.st.callback = { ...w.st.callback, asap: true };
    else flow.skipped = [...(flow.skipped ?? []), p];
    say(w, phrase.skipOk());
    await advance(w);
    return true;
  }
  w.st.misses++;
  w.st.asked++;
  if (p === 'email') say(w, phrase.ask.email(true));
  else if (p === 'name') say(w, phrase.ask.name(true));
  else if (p === 'when') say(w, "Sorry, I didn't catch a day and time.", phrase.ask.when());
  else say(w, phrase.repair());
  return true;
}
