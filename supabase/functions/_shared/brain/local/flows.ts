/**
 * Slot filling across turns: the lead flow (name → company → email → need → timeline → confirm),
 * the callback flow (callback.ts), plus hand-offs to a person. Each filled slot is saved through capture_lead straight away.
 */
import type { LeadFields } from '../types.ts';
import { chooseMember } from '../tools/transfer_to_human.ts';
import { firstName } from '../tools/routing.ts';
import type { Analysis } from './intents.ts';
import { phrasesFor } from './phrases.ts';
import { parseSpokenEmail, speakEmail } from '../speech/email.ts';
import { extractName } from '../speech/names.ts';
import { businessNoun, extractCompany } from '../speech/company.ts';
import { parsePhone } from '../speech/phone.ts';
import { extractNeed, needFromQuestions } from '../speech/need.ts';
import { digitRuns } from '../speech/numbers.ts';
import { advanceCallback, startCallback } from './callback.ts';
import type { Pending } from './state.ts';
import type { Utterance } from '../speech/text.ts';
import { askFor, callTool, known, say, setPending, type Work } from './work.ts';

const phrase = (w: Work) => phrasesFor(w.st.lang);

const TIMELINE =
  /\b(?:asap|as soon as possible|right away|immediately|soon|this (?:week|month|quarter|year)|next (?:week|month|quarter|year)|in (?:a|an|one|two|three|four|six|a few|\d+) (?:days?|weeks?|months?)|within|by (?:the )?(?:end|january|february|march|april|may|june|july|august|september|october|november|december|spring|summer|fall|autumn|winter)|no rush|not sure yet|just (?:looking|exploring|researching)|yesterday)\b/;
const TIME_WORDS =
  /\b(?:today|tomorrow|tonight|morning|afternoon|evening|noon|monday|tuesday|wednesday|thursday|friday|saturday|sunday|next week|am|pm|o'clock)\b/;
/** Words that place a start in time ("in the spring", "after the holidays", "end of the month"). */
const WHEN_WORDS =
  /\b(?:day|days|week|weeks|month|months|year|years|quarter|now|later|soon|asap|immediately|spring|summer|fall|autumn|winter|holidays?|january|february|march|april|may|june|july|august|september|october|november|december|yet|undecided|whenever|after the|before the|end of|beginning of|start of|q[1-4])\b/;
/** A dismissal, never a value ("whatever", "it doesn't matter"). */
export const DISMISSAL =
  /\b(?:whatever|doesn't matter|does not matter|doesnt matter|not important|never mind|nevermind|no company|n\/a|none|just me|no importa|da igual|ninguna)\b/;
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
  // A name asked for earlier and not yet given may come late, on its own ("Hugo Silva").
  const lateName = !have.name && !p?.match(/^(?:company|email|phone|need|timeline|when)$/) &&
    u.tokens.length <= 4 && !a.question && !a.affirm && !a.deny && askedForName(w);
  const name = extractName(u, {
    // A bare name is also taken while the number is being confirmed (it often comes first).
    expect: (p === 'name' || lateName || (p === 'confirm_phone' && !have.name && !a.affirm && !a.deny)) &&
      !TIME_WORDS.test(u.text),
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
  // "Whatever", "doesn't matter" is not a company.
  if (
    company && company !== have.company && company !== (lead.name ?? have.name) && !DISMISSAL.test(u.text) &&
    !DISMISSAL.test(company.toLowerCase())
  ) {
    lead.company = company;
  }
  const noun = businessNoun(u);
  if (noun) w.st.businessNoun = noun;
  const plain = !a.question && !a.deny && !a.goodbye && !a.thanksOnly && !a.human && !a.callback;
  if (p === 'need' && plain) {
    const need = extractNeed(u.raw, { answer: true });
    if (need) lead.need = need;
  } else if (a.lead && !have.need) {
    // "I'd like to get started" names no need: take it from what they asked about earlier, if anything.
    const need = extractNeed(u.raw) ?? needFromQuestions(w.ctx.history);
    if (need) lead.need = need;
  }
  // A timeline is a time: an answer that names none is not stored as one (the question is asked again).
  if (p === 'timeline' && plain && (TIMELINE.test(u.text) || TIME_WORDS.test(u.text) || WHEN_WORDS.test(u.text))) {
    lead.timeline = cleanSentence(u.raw);
  }
  else if ((a.lead || w.st.flow?.kind === 'lead') && !have.timeline && TIMELINE.test(u.text)) {
    // The whole answer when it is short ("within the next two weeks ideally"), else the phrase(w).
    lead.timeline = u.tokens.length <= 10 ? cleanSentence(u.raw) : TIMELINE.exec(u.text)![0];
  }
  if (!Object.keys(lead).length) return { filled: [] };
  const out = await callTool(w, 'capture_lead', lead as Record<string, unknown>);
  const saved = out.actions.lead ?? {};
  Object.assign(w.st.slots, saved);
  return { filled: Object.keys(saved), problem: out.ok ? undefined : out.result };
}

/** Whether the agent asked the caller's name earlier in this call. */
function askedForName(w: Work): boolean {
  return w.ctx.history.some((h) => h.role === 'agent' && /\byour name\b|\bsu nombre\b/i.test(h.content));
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

/** Ask the next missing slot of the active flow, or finish it. Returns whether it said something. */
export async function advance(w: Work, closing = false): Promise<boolean> {
  const flow = w.st.flow;
  if (!flow || flow.done) return false;
  const have = known(w);
  const skipped = new Set(flow.skipped ?? []);
  const need = (slot: keyof typeof have) => !have[slot] && !skipped.has(slot);
  const ask = (slot: Pending, text: string) => askFor(w, slot, text);
  if (flow.kind === 'callback') return await advanceCallback(w, closing);
  if (need('name')) return ask('name', phrase(w).ask.name(w.st.pending === 'name'));
  if (need('company')) return ask('company', phrase(w).ask.company(w.st.businessNoun));
  if (need('email')) return ask('email', phrase(w).ask.email(w.st.pending === 'email'));
  if (need('need')) return ask('need', phrase(w).ask.need());
  if (need('timeline')) return ask('timeline', phrase(w).ask.timeline());
  if (w.st.pending !== 'confirm_lead' && !skipped.has('confirm')) {
    const parts = [
      have.name ?? (w.st.lang === 'es' ? 'sus datos' : 'your details'),
      have.company && (w.st.lang === 'es' ? `de ${have.company}` : `from ${have.company}`),
      have.email && (w.st.lang === 'es' ? `con el correo ${speakEmail(have.email, 'es')}` : `with the email ${speakEmail(have.email)}`),
    ].filter(Boolean).join(', ');
    flow.skipped = [...skipped, 'confirm'];
    return ask('confirm_lead', phrase(w).leadConfirm(parts));
  }
  return false;
}

/** Finish the lead flow after the caller confirmed. */
export function finishLead(w: Work): void {
  say(w, phrase(w).leadDone(known(w).name), phrase(w).anythingElse());
  w.st.flow = { ...w.st.flow!, done: true };
  setPending(w, 'anything_else');
}

/** Connect the caller to a person; outside hours (or nobody to take it) arrange a callback instead. */
export async function handOff(w: Work, a: Analysis | null, reason: string, sorry = false): Promise<void> {
  const arranging = w.st.flow?.kind === 'callback' && !w.st.flow.done ? w.st.flow : undefined;
  const topic = a?.topics[0] ?? w.st.offer?.topic ?? arranging?.topic ?? w.st.topic;
  const failed = w.st.transfer?.failed ? w.st.transfer : undefined;
  const pick = chooseMember({ turn: w.ctx, services: w.services }, topic ?? '', a?.person?.name ?? '');
  if (failed && pick.member?.user_id === failed.user_id) {
    say(w, phrase(w).notAvailable(failed.name));
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
    say(w, phrase(w).connecting(sorry), out.result);
    setPending(w, null);
    w.intent = 'human';
    return;
  }
  if (sorry) say(w, phrase(w).afterHoursSorry());
  const messageFor = w.ctx.team.find((m) => m.user_id === (w.actions.message?.user_id ?? pick.member?.user_id))?.name;
  say(w, w.st.noCallback ? phrase(w).messageInstead(messageFor) : out.result);
  startCallback(w, 'after_hours', topic, pick.member?.user_id);
  await advance(w);
  w.intent = 'message';
}

/** Acknowledge and offer a person (upset callers, billing disputes, cancellations, legal). */
export async function offerTransfer(w: Work, a: Analysis, reason: string, upset: boolean, sorry = upset): Promise<void> {
  const topic = a.topics.find((t) => t !== 'complaint') ?? (a.complaint ? 'complaint' : undefined) ??
    w.st.topic;
  // "I'm sorry about that" for a caller who is upset or has a problem, not for a question nobody is in to take.
  if (!w.ctx.withinHours) return await handOff(w, { ...a, topics: topic ? [topic] : a.topics }, reason, sorry);
  const { member } = chooseMember({ turn: w.ctx, services: w.services }, topic ?? '');
  if (!member) return await handOff(w, a, reason, sorry);
  w.st.offer = { topic, reason };
  setPending(w, 'offer_transfer');
  say(w, upset ? phrase(w).offerTransfer(known(w).name, member.name) : phrase(w).offerTransferCalm(member.name));
  w.intent = upset ? 'complaint' : 'escalation_offer';
}

export { firstName };
