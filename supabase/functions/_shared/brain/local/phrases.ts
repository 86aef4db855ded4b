/**
 * Everything the local engine says that is not read from the knowledge base or returned by a tool.
 * Short, speakable sentences; no prices or promises (those come only from knowledge articles).
 */
import { describeHours, type Lang } from '../hours.ts';
import type { AgentConfig } from '../types.ts';
import { es } from './phrases_es.ts';

const first = (name?: string | null) => (name ? name.trim().split(/\s+/)[0] : '');
const comma = (name?: string | null) => (name ? `, ${first(name)}` : '');

const en = {
  ask: {
    name: (again: boolean) => (again ? 'Sorry, could I get your name?' : 'May I have your name, please?'),
    nameForCallback: () => 'And may I have your name, so they know who to ask for?',
    company: (noun?: string) => `And what's the name of your ${noun ?? 'company'}?`,
    email: (again: boolean) =>
      again
        ? "Sorry, I didn't catch the whole address. Could you say it again, like jane at example dot com?"
        : "What's the best email address to reach you?",
    need: () => 'What would you like the voice agent to handle for you?',
    timeline: () => 'And when are you hoping to get started?',
    timelineAgain: () => 'Sorry, I meant the timing: roughly when would you like to get started?',
    when: (who?: string) =>
      `When would be a good time for ${who ? first(who) : 'someone from the team'} to call you back?`,
    whenTime: (day: string) => `What time ${day} works best for you?`,
    phone: () => "What's the best number to reach you, with the area code?",
  },
  thanksName: (name: string) => `Thanks${comma(name)}.`,
  gotCompany: () => 'Great.',
  gotEmail: (spoken: string) => `Got it: ${spoken}.`,
  gotPhone: (spoken: string) => `Thanks, I have ${spoken}.`,
  noted: () => "Thanks, I've noted that.",
  skipOk: () => 'No problem.',
  callbackPhone: (_who: string | undefined, lastFour: string) =>
    `That's to the number you're calling from, ending in ${lastFour}. Is that the best number?`,
  confirmPhoneAgain: (lastFour: string) => `Is the number ending in ${lastFour} the best one to reach you?`,
  callbackPhoneOther: (who: string | undefined, spoken: string) =>
    `${who ? first(who) : 'We'}'ll call you at ${spoken}.`,
  bookedOnLeaving: (who: string | undefined, when: string) =>
    `I've booked ${who ? first(who) : 'the team'} to call you back at the next opening, ${when}.`,
  taskConfirm: (who: string | undefined, topic: string | undefined, when: string) =>
    `Yes. ${topic ? `The note says it's about ${topic}, and ` : ''}${
      who ? first(who) : 'someone from the team'
    } will call you back ${when}.`,
  allSet: () => "Great, you're all set.",
  leadConfirm: (parts: string) => `Just to confirm, I have ${parts}. Is that right?`,
  // No person is named: no task holds one (the team is told of the new lead).
  leadDone: (name: string | undefined) => `Thank you${comma(name)}. Our team will be in touch soon.`,
  fixWhat: () => 'Sorry about that. What should I correct: your name, your company, or your email?',
  anythingElse: () => 'Is there anything else I can help with?',
  anythingElseShort: () => 'Anything else I can help with?',
  whatElse: () => 'Sure, what else can I help with?',
  welcome: (name?: string | null) => `You're welcome${comma(name)}.`,
  goodbye: (name?: string | null) => `Thanks for calling${comma(name)}. Have a great day. Goodbye!`,
  /** After hours, to a caller who wants no callback. */
  messageInstead: (member?: string) =>
    `Understood, no callback. Nobody is in right now, so I can't put you through, but I'll pass your message to ${member ?? 'the team'} for when they're back.`,
  messagePassed: (member?: string) => `I'll pass your message to ${member ?? 'the team'}.`,
  wrongNumber: (business: string) =>
    `No problem. This is ${business}, so it sounds like you may have the wrong number. Have a good day. Goodbye!`,
  hello: () => 'Hi there! How can I help you today?',
  hearing: () => 'Yes, I can hear you. How can I help you today?',
  notInterested: () => "Understood, I'll let the team know. Thanks for your time. Goodbye!",
  gotIt: () => 'Got it.',
  noTime: () => "Sorry, I didn't catch a day and time.",
  hold: () => "Sure, take your time. I'm here when you're ready.",
  helpWith: (name?: string | null) => `Nice to meet you${comma(name)}. How can I help you today?`,
  howCanIHelp: () => 'How can I help you today?',
  interested: () => "That's great, we'd love to help.",
  connecting: (sorry: boolean) => (sorry ? "I'm sorry about that. " : 'Of course. '),
  offerTransfer: (name: string | null | undefined, member: string) =>
    `I'm really sorry about that${
      comma(name)
    }. I can put you through to ${member}, who can sort this out right away. Would you like me to do that?`,
  offerTransferCalm: (member: string) =>
    `${member} on our team handles that. Would you like me to put you through?`,
  afterHoursSorry: () => "I'm sorry about that.",
  declinedTransfer: () => 'No problem. What else can I help you with?',
  declinedCallback: () => 'Okay.',
  missedTransfer: (member: string) =>
    `I'm sorry, ${first(member)} wasn't able to pick up right now. I can have them call you back instead.`,
  notAvailable: (member: string) =>
    `${first(member)} isn't available right now, but I can have them call you back.`,
  refuse: (business: string) =>
    `I can't share that or step outside my role, but I'm happy to help with questions about ${business}, our services and pricing, or booking a call with the team.`,
  offTopic: (business: string) =>
    `That's outside what I can help with, but I'm happy to answer questions about ${business}, our services and pricing, or set up a call with the team.`,
  notSpecific: (thing: string | null) =>
    `I don't have details ${
      thing ? `about ${thing} specifically` : 'beyond that'
    }, but someone from our team can tell you more. Would you like a callback?`,
  /** A buyer's question the knowledge base cannot answer: said so, then the lead's details. */
  questionForTeam: () => "I don't have that detail here, but the team can answer it when they get back to you.",
  unknownFact: () =>
    "I don't have that detail, but someone from our team can follow up with you. Would you like a callback?",
  repair: () =>
    "Sorry, I didn't quite catch that. I can take a message or book a callback, or you can say it another way.",
  asMentioned: () => 'As I mentioned,',
  notOnList: (thing: string) => `I don't see ${thing} on our list of integrations.`,
  repairOffer: (open: boolean) =>
    open
      ? "I'm sorry, I'm having trouble understanding. Would you like me to connect you with someone from the team?"
      : "I'm sorry, I'm having trouble understanding. Would you like someone from the team to call you back?",
  identity: (business: string) =>
    `I'm ${business}'s virtual assistant. I can answer questions, take your details, book a callback, or connect you with the team.`,
  keypad: () =>
    "Sorry, I can't use the keypad for that. Press 0 to reach a person, or just tell me how I can help.",
  stillThere: (n: number) => (n <= 1 ? 'Are you still there?' : "I'm sorry, I can't hear anything."),
  silenceLost: () => "It seems we've lost the connection.",
  silenceBye: () => 'Please call back any time. Goodbye!',
  sameNumber: () => "Sure, we'll use the number you're calling from.",
  memory: {
    name: (name: string) => `I have you down as ${name}.`,
    company: (company: string) => `I have your company as ${company}.`,
    email: (email: string) => `I have your email as ${email}.`,
    phone: (phone: string) => `I have your number as ${phone}.`,
    missing: (field: string) => `I don't think I have your ${field} yet.`,
    /** Something is on file, but caller ID proves nobody: it is never read back. */
    onFile: (field: string) =>
      `We may have your ${field} on file, but I can't read stored details back over the phone.`,
  },
  hours: (config: AgentConfig, open: boolean) => {
    const hours = describeHours(config);
    const base = hours ? `We're open ${hours}.` : "We don't have set opening hours.";
    const holidays = config.holidays?.length ? " We're closed on public holidays." : '';
    const now = open ? '' : " We're closed right now, but I can take a message or book a callback for you.";
    return base + holidays + now;
  },
};

/** The phrase table's shape, with plain strings (each language fills it in its own words). */
type Widen<T> = { [K in keyof T]: T[K] extends (...a: infer A) => string ? (...a: A) => string : Widen<T[K]> };
export type Phrases = Widen<typeof en>;

/** What the agent says, in the call's language. */
export function phrasesFor(lang: Lang | undefined): Phrases {
  return lang === 'es' ? es : en;
}

export { first as firstName };
