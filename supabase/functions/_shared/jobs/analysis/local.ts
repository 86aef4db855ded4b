/**
 * The offline analyser: deterministic, no key, no network. It reads the caller's words with the
 * local engine's own tools (AFINN sentiment, name/company/email slots) and the facts the call
 * functions stored (outcome, transfer, callback, message), and writes a plain summary.
 */
import { sentimentScore } from '../../brain/speech/sentiment.ts';
import { utterance } from '../../brain/speech/text.ts';
import { extractName } from '../../brain/speech/names.ts';
import { extractCompany } from '../../brain/speech/company.ts';
import { parseSpokenEmail } from '../../brain/speech/email.ts';
import type { CallAnalysis, CallRecord, Outcome } from './record.ts';
import { outcomeSentence, subjectOf } from './summary.ts';

const round2 = (n: number) => Math.round(n * 100) / 100;

function callerTexts(r: CallRecord): string[] {
  return r.turns.filter((t) => t.role === 'caller' && t.kind !== 'silence' && t.content.trim()).map((t) =>
    t.content
  );
}

/** Mean AFINN score of the caller's turns, the last one counting double (how the call ended). */
export function callSentiment(texts: string[]): number {
  if (texts.length === 0) return 0;
  let sum = 0;
  let weight = 0;
  texts.forEach((t, i) => {
    const w = i === texts.length - 1 && texts.length > 1 ? 2 : 1;
    sum += sentimentScore(t) * w;
    weight += w;
  });
  return round2(Math.max(-1, Math.min(1, sum / weight)));
}

/** The configured escalation topics whose words the caller used, in the config's order. */
export function topicsOf(r: CallRecord, texts: string[]): string[] {
  const topics = (r.config?.escalation_rules as { topics?: Record<string, string[]> } | undefined)?.topics ??
    {};
  const said = ` ${texts.join(' ').toLowerCase().replace(/[^a-z0-9' ]+/g, ' ')} `;
  return Object.entries(topics)
    .filter(([, words]) =>
      Array.isArray(words) && words.some((w) => said.includes(` ${String(w).toLowerCase()} `))
    )
    .map(([topic]) => topic);
}

function outcomeOf(r: CallRecord, texts: string[], fields: CallAnalysis['fields']): Outcome {
  if (r.outcome) return r.outcome;
  if (r.escalated) return 'escalated';
  if (r.callback) return 'callback_booked';
  if (r.message) return 'message_taken';
  if (fields.name || fields.email) return 'lead_captured';
  return texts.length ? 'answered' : 'abandoned';
}

/** Lead fields from the customer row, completed by what the caller's words contain. */
export function fieldsOf(r: CallRecord, texts: string[]): CallAnalysis['fields'] {
  const c = r.customer;
  const found: CallAnalysis['fields'] = {};
  for (const text of texts) {
    const u = utterance(text);
    found.name ??= extractName(u) ?? undefined;
    found.company ??= extractCompany(u) ?? undefined;
    found.email ??= parseSpokenEmail(text) ?? undefined;
  }
  const pick = (a: string | null | undefined, b: string | undefined) => a?.trim() || b || undefined;
  const out = {
    name: pick(c?.name, found.name),
    company: pick(c?.company, found.company),
    email: pick(c?.email, found.email),
    need: pick(c?.need, undefined),
    timeline: pick(c?.timeline, undefined),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Words that say something about buying (or not). */
const LEAD_WORDS =
  /\b(?:interested|sign up|get started|pricing|quote|demo|trial|pilot|budget|next (?:week|month|quarter)|need|looking for|not interested|cancel)\b/i;

const RISKY = new Set(['complaint', 'cancellation', 'legal', 'billing']);

/** 0..100 from what we learned about the caller and what they asked for. */
export function leadScore(
  r: CallRecord,
  f: CallAnalysis['fields'],
  outcome: Outcome,
  sentiment: number,
  topics: string[],
) {
  if (outcome === 'abandoned') return 0;
  let s = 10;
  if (f.name) s += 15;
  if (f.email) s += 20;
  if (f.company) s += 10;
  if (f.need) s += 15;
  if (f.timeline) s += 10;
  if (r.callback) s += 15;
  if (topics.includes('sales')) s += 10;
  if (sentiment >= 0.3) s += 5;
  if (sentiment <= -0.3) s -= 10;
  if (topics.some((t) => RISKY.has(t))) s -= 15;
  return Math.max(0, Math.min(100, s));
}

/** Analyses a finished call offline. */
export function analyseLocally(r: CallRecord): CallAnalysis {
  const texts = callerTexts(r);
  const fields = fieldsOf(r, texts);
  const sentiment = callSentiment(texts);
  const topics = topicsOf(r, texts);
  const outcome = outcomeOf(r, texts, fields);
  const summary = `${subjectOf(r, fields, topics, texts)} ${outcomeSentence(r, outcome, fields)}`.trim();
  // Evidence is what this call's words or bookings showed, not what the customer row already held.
  const said = texts.map((t) => utterance(t));
  const learnt = said.some((u) => extractName(u) || extractCompany(u)) || texts.some((t) => parseSpokenEmail(t));
  const leadEvidence = outcome !== 'abandoned' &&
    (learnt || !!r.callback || topics.some((t) => !RISKY.has(t)) || texts.some((t) => LEAD_WORDS.test(t)));
  return {
    summary,
    sentiment,
    lead_score: leadScore(r, fields, outcome, sentiment, topics),
    outcome,
    fields,
    topics,
    lead_evidence: leadEvidence,
    provider: 'local',
  };
}
