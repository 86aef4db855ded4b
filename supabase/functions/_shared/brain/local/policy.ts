/**
 * The local engine's policy for a spoken turn: which of the caller's intents wins, in a fixed
 * order (safety first: role changes, wrong numbers; then answers to the agent's own yes/no
 * question; then hand-offs; then the active flow; then questions), and what the agent says.
 */
import { alwaysHumanTopics } from '../tools/routing.ts';
import { acknowledge, answer, answerMemory, answerOrRepair, goodbye, miss } from './answers.ts';
import { analyse, type Analysis } from './intents.ts';
import { phrasesFor } from './phrases.ts';
import { advance, captureSlots, DISMISSAL, finishLead, handOff, offerTransfer, startLead } from './flows.ts';
import {
  bookOnLeaving,
  phoneConfirmed,
  rebookPhone,
  reschedule,
  confirmTask,
  SAME_NUMBER,
  startCallback,
  TASK_QUESTION,
  takeWhen,
} from './callback.ts';
import { type Utterance, utterance } from '../speech/text.ts';
import { callTool, known, say, setPending, type Work } from './work.ts';

const phrase = (w: Work) => phrasesFor(w.st.lang);

export { goodbye, miss };

const YES_NO = new Set([
  'confirm_phone',
  'confirm_lead',
  'offer_transfer',
  'offer_callback',
  'anything_else',
]);
const SLOT_PENDING = new Set(['name', 'company', 'email', 'phone', 'need', 'timeline', 'when']);

/** What a spoken turn knows once the caller's words are read, before any rule decides. */
export interface SpokenTurn {
  w: Work;
  u: Utterance;
  a: Analysis;
  confidence?: number;
  /** Slots this turn filled (saved through capture_lead), and a problem to say about one. */
  slots: { filled: string[]; problem?: string };
  /** A callback is being arranged, and whether it is already booked. */
  inCallback: boolean;
  booked: boolean;
  /** A time said in this turn was taken into the callback being arranged. */
  tookWhen: boolean;
  /** The agent's last question asked for a slot. */
  slotPending: boolean;
}

/**
 * A rule of the dialogue: when it applies to the turn, `then` acts; `then` returns false to let
 * the next rule look at the turn (it has only noted something).
 */
interface Rule {
  name: string;
  when: (t: SpokenTurn) => boolean;
  then: (t: SpokenTurn) => Promise<boolean | void> | boolean | void;
}

const RULES: Rule[] = [
  {
    name: 'refuse a role change or a prompt request',
    when: (t) => t.a.injection,
    then: ({ w }) => {
      w.intent = 'injection';
      say(w, phrase(w).refuse(w.ctx.config.business_name));
    },
  },
  {
    name: 'speech recognition was unsure: ask again',
    when: ({ a, confidence }) =>
      confidence !== undefined && confidence > 0 && confidence < 0.2 && !a.goodbye && !a.affirm && !a.deny,
    then: ({ w }) => miss(w),
  },
  {
    name: 'not interested: end politely',
    when: ({ a }) => a.notInterested && !a.lead,
    then: async ({ w }) => {
      w.intent = 'not_interested';
      say(w, phrase(w).notInterested());
      await callTool(w, 'end_call', { reason: 'caller not interested' });
    },
  },
  {
    name: 'wrong number: end politely',
    when: ({ a }) => a.wrongNumber && !a.human,
    then: async ({ w }) => {
      w.intent = 'wrong_number';
      say(w, phrase(w).wrongNumber(w.ctx.config.business_name));
      await callTool(w, 'end_call', { reason: 'wrong number' });
    },
  },
  { name: 'take every plausible slot said', when: () => true, then: takeSlots },
  {
    name: 'a number given for the callback',
    when: (t) => t.inCallback && t.slots.filled.includes('phone'),
    then: numberForCallback,
  },
  {
    name: '"use this number" for the callback',
    when: (t) => t.inCallback && !t.slots.filled.includes('phone') && SAME_NUMBER.test(t.u.text) && !t.a.deny,
    then: sameNumberForCallback,
  },
  { name: 'a new time for a booked callback', when: () => true, then: ({ w, u }) => reschedule(w, u) },
  {
    name: 'what the booked task says',
    when: (t) => !!t.w.st.callback?.at && t.a.question && TASK_QUESTION.test(t.u.text),
    then: ({ w, u, a }) => confirmTask(w, u, a.topics),
  },
  {
    name: "an answer to the agent's yes/no question",
    when: (t) => !!t.w.st.pending && YES_NO.has(t.w.st.pending),
    then: ({ w, a, u, slots }) => answerYesNo(w, a, u, slots.filled),
  },
  {
    name: 'a person asked for, or an emergency',
    // "I need someone to call me tomorrow" asks for a callback, not to be put through.
    when: ({ a }) => (a.human && !a.callback) || a.emergency,
    then: ({ w, a }) => {
      w.st.misses = 0;
      return handOff(w, a, a.emergency ? 'emergency' : 'caller asked for a person');
    },
  },
  {
    name: 'what only a person may handle: offer one',
    when: ({ w, a }) =>
      a.upset || a.billingDispute || a.cancelRequest ||
      alwaysHumanTopics(w.ctx.config).some((topic) => needsPerson(a, topic)),
    then: ({ w, a }) => {
      w.st.misses = 0;
      const mustHuman = alwaysHumanTopics(w.ctx.config).find((topic) => needsPerson(a, topic));
      const reason = a.billingDispute
        ? 'billing dispute'
        : a.cancelRequest
        ? 'cancellation'
        : a.upset
        ? 'upset caller'
        : `${mustHuman!.replaceAll('_', ' ')} (always handled by a person)`;
      // What only a person may handle (billing, cancellation, legal) is regretted after hours too.
      return offerTransfer(w, a, reason, a.upset || a.complaint, true);
    },
  },
  {
    name: 'something of theirs is broken: offer technical help',
    when: ({ w, a }) => a.issue && !w.st.flow,
    then: ({ w, a }) => {
      w.st.misses = 0;
      // Something broken goes to whoever takes technical problems, whatever else was mentioned.
      const topics = ['technical', ...a.topics.filter((t) => t !== 'technical')];
      return offerTransfer(w, { ...a, topics }, 'caller reports a problem', false, true);
    },
  },
  {
    name: 'a callback asked for',
    when: (t) => t.a.callback && !(t.inCallback && t.booked),
    then: askedForCallback,
  },
  {
    name: 'what the agent has on file',
    when: ({ a }) => !!a.memory,
    then: async ({ w, a }) => {
      w.intent = 'memory';
      answerMemory(w, a);
      await advance(w);
    },
  },
  {
    name: 'goodbye (a promised callback is booked first)',
    when: ({ a, slotPending }) => a.goodbye && !a.question && !(slotPending && a.deny && !a.goodbyeStrong),
    then: async ({ w, u }) => {
      await bookOnLeaving(w, u);
      return goodbye(w);
    },
  },
  {
    name: 'a detail that does not hold up',
    when: ({ slots }) => !!slots.problem,
    then: ({ w, slots }) => say(w, slots.problem),
  },
  {
    name: 'a time for the callback, and nothing else',
    when: (t) => t.tookWhen && !t.slots.filled.length,
    then: timeForCallback,
  },
  {
    name: "an answer to the flow's question",
    when: ({ w, slotPending }) => !!w.st.flow && !w.st.flow.done && slotPending,
    then: ({ w, u, a, slots }) => continueFlow(w, u, a, slots.filled),
  },
  {
    name: 'a correction of the details read back',
    when: ({ w }) => w.st.pending === 'fix_lead',
    then: ({ w, u, slots }) => fixLead(w, u, slots.filled),
  },
  { name: 'interest in buying', when: ({ a }) => a.lead, then: interested },
  {
    name: 'a question, small talk, or not understood',
    when: () => true,
    then: async ({ w, u, a, slots }) => {
      if (await answerOrRepair(w, u, a, slots.filled)) await advance(w);
    },
  },
];

/** Handle one spoken turn: the first rule that applies and acts decides what is said. */
export async function speechTurn(w: Work, text: string, confidence?: number): Promise<void> {
  const u = utterance(text);
  const a = analyse(u, w.ctx.config, w.ctx.team);
  if (a.topics.length) w.st.topic = a.topics.find((t) => t !== 'complaint') ?? w.st.topic ?? a.topics[0];
  // Kept for the call: a callback is not booked for a caller who said no to one.
  if (a.declinesCallback && !w.st.callback?.at) w.st.noCallback = true;
  else if (a.callback) w.st.noCallback = undefined;
  const t: SpokenTurn = {
    w, u, a, confidence,
    slots: { filled: [] },
    inCallback: false,
    booked: false,
    tookWhen: false,
    slotPending: !!w.st.pending && SLOT_PENDING.has(w.st.pending),
  };
  for (const rule of RULES) {
    if (!rule.when(t)) continue;
    if ((await rule.then(t)) !== false) return;
  }
}

/** Take the slots said; in a callback flow a time is taken whenever it is said. Never decides. */
async function takeSlots(t: SpokenTurn): Promise<false> {
  const { w, u, a } = t;
  t.slots = await captureSlots(w, u, a);
  t.inCallback = w.st.flow?.kind === 'callback' && !w.st.flow.done;
  t.booked = !!w.st.callback?.at;
  t.tookWhen = t.inCallback && !t.booked && w.st.pending !== 'when' && takeWhen(w, u);
  return false;
}

async function numberForCallback({ w }: SpokenTurn): Promise<boolean> {
  w.st.callback = { ...w.st.callback, phone: w.st.slots.phone, phoneOk: true };
  if (w.st.pending !== 'confirm_phone' && w.st.pending !== 'phone') return false;
  w.st.misses = 0;
  await rebookPhone(w, w.st.slots.phone!);
  if (!w.parts.length) await advance(w);
  return true;
}

async function sameNumberForCallback({ w, a, slots, booked, tookWhen }: SpokenTurn): Promise<boolean> {
  // "Use this number": the number is confirmed, whenever it is said.
  w.st.callback = { ...w.st.callback, phone: undefined, phoneOk: true };
  if (w.st.pending === 'confirm_phone' || (booked && !slots.filled.length && !tookWhen)) {
    w.st.misses = 0;
    w.intent = 'callback_phone';
    phoneConfirmed(w);
    return true;
  }
  if (!tookWhen && !slots.filled.length && !a.question) {
    w.intent = 'callback_phone';
    say(w, phrase(w).sameNumber());
    setPending(w, null);
    await advance(w);
    return true;
  }
  return false;
}

async function askedForCallback({ w, u, a, slots, inCallback }: SpokenTurn): Promise<void> {
  w.st.misses = 0;
  w.intent = 'callback';
  if (!inCallback) startCallback(w, 'request', a.topics[0], a.person?.user_id);
  takeWhen(w, u, true);
  if (slots.filled.includes('phone')) {
    w.st.callback = { ...w.st.callback, phone: w.st.slots.phone, phoneOk: true };
  }
  if (slots.filled.includes('name')) say(w, phrase(w).thanksName(known(w).name!));
  await advance(w);
}

async function timeForCallback({ w }: SpokenTurn): Promise<void> {
  // A caller who asked for a callback and answers with a time gets it booked; the name is not
  // worth a second question (after hours and after a missed transfer it is still asked for).
  const flow = w.st.flow!;
  const required = flow.reason === 'after_hours' || flow.reason === 'missed_transfer';
  if (!required && w.st.callback?.date && w.st.callback.time) {
    flow.skipped = [...(flow.skipped ?? []), 'name'];
  }
  w.intent = 'callback_when';
  if (!w.st.callback?.time) say(w, phrase(w).gotIt());
  setPending(w, null);
  await advance(w);
}

async function interested({ w, u, a, slots }: SpokenTurn): Promise<void> {
  w.st.misses = 0;
  w.intent = 'lead';
  startLead(w);
  // A question the knowledge base cannot answer is still heard: it goes to the team with the lead.
  if (a.question) {
    if (!(await answer(w, u, a, false))) say(w, phrase(w).questionForTeam());
  }
  else if (slots.filled.some((f) => f !== 'need' && f !== 'timeline')) acknowledge(w, slots.filled);
  else say(w, phrase(w).interested());
  await advance(w);
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
    setPending(w, null);
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
  setPending(w, null);
  await advance(w);
  return true;
}

/** The caller answered the agent's yes/no question; returns false to treat the words afresh. */
async function answerYesNo(w: Work, a: Analysis, u: Utterance, filled: string[] = []): Promise<boolean> {
  const plain = (a.affirm || a.deny) && !a.human && !a.callback && !a.lead && !a.question && !a.memory &&
    !a.goodbyeStrong;
  const p = w.st.pending;
  if ((p === 'offer_transfer' || p === 'offer_callback') && a.deny && a.question) {
    // "No, I just want to know ..." declines the offer and asks something else.
    w.st.offer = undefined;
    setPending(w, null);
    say(w, phrase(w).skipOk());
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
  setPending(w, null);
  w.intent = a.affirm && !a.deny ? 'affirm' : 'deny';
  // "OK, my name is Priya Raman": the name said with the yes is acknowledged first.
  if (filled.includes('name')) say(w, phrase(w).thanksName(known(w).name!));
  if (p === 'offer_transfer') {
    if (a.affirm && !a.deny) await handOff(w, null, w.st.offer?.reason ?? 'caller accepted a transfer');
    else {
      w.st.offer = undefined;
      say(w, phrase(w).declinedTransfer());
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
      say(w, phrase(w).declinedCallback(), phrase(w).anythingElse());
      setPending(w, 'anything_else');
    }
    return true;
  }
  if (p === 'confirm_phone') {
    if (a.deny && !a.affirm) {
      setPending(w, 'phone');
      say(w, phrase(w).ask.phone());
    } else phoneConfirmed(w);
    return true;
  }
  if (p === 'confirm_lead') {
    if (a.deny && !a.affirm) {
      setPending(w, 'fix_lead');
      say(w, phrase(w).fixWhat());
    } else finishLead(w);
    return true;
  }
  if (p === 'anything_else') {
    say(w, phrase(w).whatElse());
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
    setPending(w, null);
    await advance(w);
    return true;
  }
  if (
    a.deny ||
    /\b(?:rather not|prefer not|skip|don't have (?:one|an?)|no (?:email|company)|not sure|no idea|don't know)\b/
      .test(u.text) ||
    DISMISSAL.test(u.text) ||
    w.st.asked >= 1
  ) {
    // No time given: the earliest opening ("no idea", "you pick").
    if (p === 'when' && flow.kind === 'callback') w.st.callback = { ...w.st.callback, asap: true };
    else flow.skipped = [...(flow.skipped ?? []), p];
    say(w, phrase(w).skipOk());
    await advance(w);
    return true;
  }
  w.st.misses++;
  w.st.asked++;
  if (p === 'email') say(w, phrase(w).ask.email(true));
  else if (p === 'name') say(w, phrase(w).ask.name(true));
  else if (p === 'when') say(w, phrase(w).noTime(), phrase(w).ask.when());
  else if (p === 'timeline') say(w, phrase(w).ask.timelineAgain());
  else say(w, phrase(w).repair());
  return true;
}
