/**
 * What the agent says when no flow decides: knowledge-base answers, hours, memory, small talk,
 * the repair when nothing fits, and goodbye.
 */
import type { Analysis } from './intents.ts';
import {
  aboutArticle,
  answerFromKnowledge,
  integrationAsked,
  integrationsArticle,
  mentions,
  OTHER_OFFERS,
  otherOffers,
  SERVICE_QUESTION,
  serviceObject,
  speakable,
} from './knowledge.ts';
import { phrasesFor } from './phrases.ts';
import { speakEmail } from '../speech/email.ts';
import { speakLastFour, speakPhone } from '../speech/phone.ts';
import { offerTransfer } from './flows.ts';
import { assigneeName, bookOnLeaving } from './callback.ts';
import { contentStems, type Utterance } from '../speech/text.ts';
import { callTool, known, saidInCall, say, setPending, type Work } from './work.ts';

const phrase = (w: Work) => phrasesFor(w.st.lang);

/** A short acknowledgement of what the caller just gave. */
export function acknowledge(w: Work, filled: string[]): void {
  const k = known(w);
  if (filled.includes('name')) say(w, phrase(w).thanksName(k.name!));
  else if (filled.includes('email')) say(w, phrase(w).gotEmail(speakEmail(k.email!, w.st.lang)));
  else if (filled.includes('phone')) say(w, phrase(w).gotPhone(speakPhone(k.phone!)));
  else if (filled.includes('company')) say(w, phrase(w).gotCompany());
  else if (filled.length) say(w, phrase(w).noted());
}

/**
 * "What name do you have for me?": what the caller said in this call (and the first name on
 * file). Anything else on file is never read back: whoever spoofs the number would hear it.
 */
export function answerMemory(w: Work, a: Analysis): void {
  const k = saidInCall(w);
  const field = a.memory === 'all' ? 'name' : a.memory!;
  if (field === 'phone') {
    const phone = k.phone ?? (w.st.callback?.phone) ?? w.ctx.callerNumber;
    say(
      w,
      phrase(w).memory.phone(
        phone === w.ctx.callerNumber
          ? `the number you're calling from, ending in ${speakLastFour(phone)}`
          : speakPhone(phone),
      ),
    );
    return;
  }
  const value = k[field];
  if (!value) {
    say(w, known(w)[field] ? phrase(w).memory.onFile(field) : phrase(w).memory.missing(field));
    if (field === 'name' || field === 'company' || field === 'email') {
      setPending(w, field);
      say(
        w,
        field === 'name'
          ? phrase(w).ask.name(false)
          : field === 'company'
          ? phrase(w).ask.company()
          : phrase(w).ask.email(false),
      );
    }
    return;
  }
  if (field === 'name') {
    say(w, phrase(w).memory.name(k.company && a.memory === 'all' ? `${value}, from ${k.company}` : value));
  } else if (field === 'company') say(w, phrase(w).memory.company(value));
  else say(w, phrase(w).memory.email(speakEmail(value, w.st.lang)));
}

/** Questions, small talk, and the repair when nothing fits. Returns whether the flow may go on. */
export async function answerOrRepair(w: Work, u: Utterance, a: Analysis, filled: string[]): Promise<boolean> {
  if (a.hours) {
    w.intent = 'hours';
    say(w, phrase(w).hours(w.ctx.config, w.ctx.withinHours));
    return followUp(w);
  }
  if (a.identity) {
    w.intent = 'identity';
    say(w, phrase(w).identity(w.ctx.config.business_name));
    return followUp(w);
  }
  if (a.offTopic) {
    if (w.st.misses >= 1) return (miss(w), false);
    w.intent = 'off_topic';
    say(w, phrase(w).offTopic(w.ctx.config.business_name));
    const goOn = followUp(w);
    w.st.misses = 1;
    return goOn;
  }
  // "What did you say the price was?" asks for the price again, not for the agent's last line.
  if (a.repeat && !a.topics.length) {
    const last = [...w.ctx.history].reverse().find((h) => h.role === 'agent');
    w.intent = 'repeat';
    say(w, last?.content ?? phrase(w).hello());
    return false;
  }
  if (a.question || (!filled.length && !a.greetingOnly && !a.thanksOnly && !a.hold && !a.affirm)) {
    const at = w.parts.length;
    if (await answer(w, u, a, !a.question)) {
      // A name given in passing is acknowledged before the answer.
      if (filled.includes('name')) w.parts.splice(at, 0, phrase(w).thanksName(known(w).name!));
      return followUp(w);
    }
  }
  // A topic the knowledge base cannot answer ("I'm calling about my account"): offer the person for it.
  const owned = a.topics.filter((t) => t !== 'complaint');
  if (owned.length && !w.st.flow && !a.greetingOnly && !a.thanksOnly) {
    if (filled.length) acknowledge(w, filled);
    await offerTransfer(
      w,
      { ...a, topics: owned },
      `caller asked about ${owned[0].replaceAll('_', ' ')}`,
      false,
    );
    return false;
  }
  if (SERVICE_QUESTION.test(u.text) && !w.st.flow) {
    // Who they serve: what the business does in general, honestly no more, and a follow-up.
    const about = await aboutArticle(w.services);
    w.intent = 'service_question';
    if (about) say(w, speakable(w.st.lang === 'es' && about.body_es ? about.body_es : about.body));
    say(w, phrase(w).notSpecific(serviceObject(u.text)));
    setPending(w, 'offer_callback');
    return false;
  }
  if (filled.length) {
    w.intent = 'introduce';
    w.st.misses = 0;
    if (filled.includes('name') && !w.st.flow) say(w, phrase(w).helpWith(known(w).name));
    else {
      acknowledge(w, filled);
      if (!w.st.flow) say(w, phrase(w).howCanIHelp());
    }
    if (!w.st.flow) setPending(w, null);
    return true;
  }
  if (a.hearing) return small(w, 'hearing', phrase(w).hearing());
  if (a.greetingOnly) return small(w, 'greeting', phrase(w).hello());
  if (a.hold) return small(w, 'hold', phrase(w).hold());
  const thanked = /\b(?:thank|thanks|appreciate)\b/.test(u.text) && a.sentiment >= 0 && !a.question;
  if (a.thanksOnly || thanked || (a.affirm && !w.st.pending && u.tokens.length <= 3)) {
    w.intent = 'thanks';
    if (/\b(?:thank|thanks|appreciate|cheers)\b/.test(u.text)) {
      say(w, phrase(w).welcome(known(w).name), phrase(w).anythingElse());
    } else say(w, phrase(w).howCanIHelp());
    setPending(w, /\bthank/.test(u.text) ? 'anything_else' : null);
    return false;
  }
  if (a.question) {
    w.intent = 'unknown_fact';
    say(w, phrase(w).unknownFact());
    setPending(w, 'offer_callback');
    return false;
  }
  miss(w);
  return false;
}

function small(w: Work, intent: string, text: string): boolean {
  w.intent = intent;
  say(w, text);
  return false;
}

/** After an answer: go on with the flow if one is open, else ask if there is anything else. */
function followUp(w: Work): boolean {
  w.st.misses = 0;
  if (w.st.flow && !w.st.flow.done) return true;
  say(w, phrase(w).anythingElse());
  setPending(w, 'anything_else');
  return false;
}

/** "How much was it again?": a follow-up that names no subject of its own. */
const FOLLOW_UP = /\b(?:again|one more time|remind me|what was (?:it|that)|how much was (?:it|that))\b/;

/** What the agent has said in this call (to never answer with the same words twice). */
function spoken(w: Work): string[] {
  return w.ctx.history.filter((h) => h.role === 'agent').map((h) => h.content);
}

/** The caller's previous question, for a follow-up that names no subject. */
function previousQuestion(w: Work): string | null {
  const said = w.ctx.history.filter((h) => h.role === 'caller' && h.content.trim());
  return said.length ? said[said.length - 1].content : null;
}

/**
 * Speak the knowledge base's answer; false when it has none. The answer fits the question: a
 * service question is answered only by an article that names the thing; an integration that is not
 * listed is answered with the ones that are; "anything else?" with the other offers; a follow-up
 * with the previous subject. An article already spoken is introduced as such, never repeated bare.
 */
export async function answer(w: Work, u: Utterance, a: Analysis, strict: boolean): Promise<boolean> {
  let hits = await answerFromKnowledge(w.services, u.raw, strict ? 3 : 1);
  let intro: string | null = null;
  const thing = serviceObject(u.text);
  if (thing) {
    // "Do you work with X?" is answered only by an article that names X.
    hits = hits.filter((h) => mentions(h, thing));
  }
  const tool = integrationAsked(u.raw);
  if (tool && !hits.some((h) => mentions(h, tool))) {
    // A tool that is not listed: the ones that are (and custom work), never "I don't know".
    const list = await integrationsArticle(w.services);
    if (list) {
      hits = [list];
      if (!mentions(list, tool)) intro = phrase(w).notOnList(tool);
    }
  }
  if (OTHER_OFFERS.test(u.text)) {
    const others = await otherOffers(w.services, spoken(w));
    if (others.length) hits = others;
  }
  if (!hits.length && FOLLOW_UP.test(u.text)) {
    const before = previousQuestion(w);
    if (before) hits = await answerFromKnowledge(w.services, before, 1);
  }
  if (!w.tools.includes('search_knowledge_base')) w.tools.push('search_knowledge_base');
  if (!hits.length) return false;
  w.intent = a.lead ? 'lead' : 'question';
  const texts = hits.map((h) => speakable(w.st.lang === 'es' && h.body_es ? h.body_es : h.body));
  const again = texts.every((t) => spoken(w).some((s) => s.includes(t)));
  if (again) texts[0] = texts[0].replace(/^(?:The|We|We're|Our|Each|You|Once|Calls|Custom|Extra|El|La|Los|Las|Nuestros|Cada|Puede|Una)\b/, (m) => m.toLowerCase());
  say(w, intro, again && phrase(w).asMentioned(), ...texts);
  return true;
}

/** Not understood: repair, and after two misses in a row offer a person. */
export function miss(w: Work): void {
  w.st.misses++;
  w.intent = 'repair';
  if (w.st.misses >= 2) {
    w.st.misses = 0;
    const open = w.ctx.withinHours;
    say(w, phrase(w).repairOffer(open));
    setPending(w, open ? 'offer_transfer' : 'offer_callback');
    w.st.offer = { topic: w.st.topic, reason: 'agent could not understand the caller' };
    return;
  }
  say(w, phrase(w).repair());
}

/** Say goodbye (with the booked callback, if any) and hang up. */
export async function goodbye(w: Work): Promise<void> {
  await bookOnLeaving(w);
  w.intent = 'goodbye';
  if (w.st.noCallback && w.st.flow?.kind === 'callback') say(w, phrase(w).messagePassed(assigneeName(w)));
  say(w, phrase(w).goodbye(known(w).name));
  await callTool(w, 'end_call', { reason: 'caller said goodbye' });
}
