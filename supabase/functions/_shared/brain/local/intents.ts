/**
 * What a caller's words ask for: every intent the engine knows, as flags, computed once per turn.
 * The engine's policy (engine.ts) decides which one wins.
 */
import type { AgentConfig, TeamMember } from '../types.ts';
import { detectTopics, memberNamed } from '../tools/routing.ts';
import * as cue from './cues.ts';
import { sentimentScore } from '../speech/sentiment.ts';
import { looksLikeQuestion, type Utterance } from '../speech/text.ts';

export type MemoryField = 'name' | 'company' | 'email' | 'phone';

export interface Analysis {
  question: boolean;
  affirm: boolean;
  deny: boolean;
  goodbye: boolean;
  /** A goodbye that is not just "no thanks" / "I'm good". */
  goodbyeStrong: boolean;
  thanksOnly: boolean;
  greetingOnly: boolean;
  hold: boolean;
  repeat: boolean;
  hearing: boolean;
  notInterested: boolean;
  /** Something of theirs is broken ("my agent isn't answering calls"). */
  issue: boolean;
  human: boolean;
  callback: boolean;
  /** The caller refuses a callback ("I don't want a callback, I want someone now"). */
  declinesCallback: boolean;
  callerWillCallBack: boolean;
  lead: boolean;
  complaint: boolean;
  upset: boolean;
  sentiment: number;
  cancelRequest: boolean;
  billingDispute: boolean;
  legal: boolean;
  emergency: boolean;
  wrongNumber: boolean;
  injection: boolean;
  identity: boolean;
  memory: MemoryField | 'all' | null;
  hours: boolean;
  offTopic: boolean;
  domain: boolean;
  topics: string[];
  person: TeamMember | null;
}

/** The clause of `text` around character `at` (clauses end at punctuation or "but"). */
function clauseBefore(text: string, at: number): string {
  const head = text.slice(0, at);
  const cut = Math.max(
    head.lastIndexOf(' . '),
    head.lastIndexOf(' , '),
    head.lastIndexOf(' ? '),
    head.lastIndexOf(' ! '),
    head.lastIndexOf(' ; '),
    head.lastIndexOf(' but '),
  );
  return cut >= 0 ? head.slice(cut + 3) : head;
}

/** Whether any pattern matches outside the reach of a negation (or an "if") earlier in its clause. */
function affirmed(text: string, patterns: RegExp[], conditional = false): boolean {
  for (const re of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const before = clauseBefore(text, m.index);
    if (cue.NEGATION.test(before)) continue;
    if (conditional && /\b(?:if|when|once|after|before|whether|unless)\b/.test(before)) continue;
    return true;
  }
  return false;
}

const any = (text: string, patterns: RegExp[]) => patterns.some((re) => re.test(text));

const patternCache = new WeakMap<TeamMember[], RegExp[]>();
function humanPatterns(team: TeamMember[]): RegExp[] {
  let p = patternCache.get(team);
  if (!p) {
    const names = team.filter((m) => m.active).flatMap((m) => {
      const full = m.name.toLowerCase().replace(/[^a-z' ]/g, '');
      return [full, full.split(' ')[0]];
    }).filter((n) => n.length > 2);
    p = cue.humanRequestPatterns([...new Set(names)]);
    patternCache.set(team, p);
  }
  return p;
}

function threshold(config: AgentConfig): number {
  const t = (config.escalation_rules as Record<string, unknown>)?.sentiment_threshold;
  if (typeof t !== 'number' || !Number.isFinite(t)) return -0.3;
  // A threshold below -1 is on the AFINN scale (sum of word scores); ours is that sum / 5.
  return t < -1 ? t / 5 : t;
}

/** Analyse one utterance. */
export function analyse(u: Utterance, config: AgentConfig, team: TeamMember[]): Analysis {
  const t = u.text;
  const question = looksLikeQuestion(u);
  // "set up a call" arranges a call; it is not a setup problem.
  const topicText = u.raw.replace(
    /\bset(?:ting)?\s+up\s+(?=(?:a|an|the|some)?\s*(?:quick\s+|short\s+)?(?:call|meeting|time|appointment|demo|callback|chat)\b)/gi,
    'arrange ',
  // "What do you charge?" asks the price; "you charged me twice" is billing.
  ).replace(/\b(?:what|how much)\s+(?:do|does|would|will|did)\s+(?:you|y'all|you guys|it|they|that)\s+charge\b/gi, 'what is the price');
  const topics = detectTopics(topicText, config, team);
  const sentiment = sentimentScore(u.raw);
  const injection = any(t, cue.INJECTION);
  const callerWillCallBack =
    /\b(?:i'll|i will|i can|i could|i'm going to|i'm gonna|let me|we'll|we will) (?:just )?(?:call|ring|phone|try) (?:you |back|again|later|tomorrow)/
      .test(t);
  const declinesCallback = cue.DECLINES_CALLBACK.test(t);
  const callbackCue = affirmed(t, cue.CALLBACK) && !callerWillCallBack && !declinesCallback;
  // "Can it book appointments?" asks about the product; "can I book a call?" asks for one.
  const callback = callbackCue && (!question || /\b(?:i|we|me|us|someone|somebody)\b/.test(t));
  const human = affirmed(t, humanPatterns(team));
  const complaint = topics.includes('complaint') || cue.COMPLAINT_REQUEST.test(t);
  const billingDispute = topics.includes('billing') && any(t, cue.BILLING_DISPUTE) &&
    !/\bhow (?:do|does|can|will) (?:billing|the billing|you bill)\b/.test(t);
  const cancelRequest = affirmed(t, cue.CANCEL_REQUEST) &&
    !(question && !/\bi want|i need|i'd like|i would like\b/.test(t));
  const memoryMatch = cue.MEMORY.exec(t);
  const memoryWord = memoryMatch ? memoryMatch.slice(1).find(Boolean) ?? 'all' : null;
  const memory = memoryWord === null
    ? null
    : memoryWord === 'all'
    ? 'all'
    : memoryWord.startsWith('e')
    ? 'email'
    : memoryWord.includes('number')
    ? 'phone'
    : memoryWord as MemoryField;
  const upset = sentiment <= threshold(config) && (complaint || billingDispute || cancelRequest) ||
    cue.COMPLAINT_REQUEST.test(t);
  return {
    question,
    affirm: cue.AFFIRM.test(t),
    deny: cue.DENY.test(t),
    goodbye: any(t, cue.GOODBYE) || callerWillCallBack,
    goodbyeStrong: any(t, cue.GOODBYE.slice(0, 2)) || callerWillCallBack,
    thanksOnly: cue.THANKS_ONLY.test(t),
    greetingOnly: cue.GREETING_ONLY.test(t),
    hold: cue.HOLD.test(t),
    repeat: cue.REPEAT.test(t),
    hearing: cue.HEARING.test(t),
    notInterested: cue.NOT_INTERESTED.test(t),
    issue: cue.ISSUE.test(t) &&
      !/\b(?:can|could|does|do|will|would) (?:it|the agent|your agent|the ai|they|you)\b/.test(t),
    human,
    callback,
    declinesCallback,
    callerWillCallBack,
    lead: affirmed(t, cue.LEAD, true),
    complaint,
    upset,
    sentiment,
    cancelRequest,
    billingDispute,
    legal: topics.includes('legal') && !question,
    emergency: topics.includes('emergency') && !question,
    wrongNumber: any(t, cue.WRONG_NUMBER),
    injection,
    identity: any(t, cue.IDENTITY) && !human,
    memory,
    hours: cue.HOURS.test(t) && (question || /\b(?:your|business|opening|office|working) hours\b/.test(t)),
    offTopic: cue.OFF_TOPIC.test(t) && !cue.DOMAIN.test(t),
    domain: cue.DOMAIN.test(t),
    topics,
    person: memberNamed(t, team),
  };
}
