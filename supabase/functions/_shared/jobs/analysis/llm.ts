/**
 * Analysis by a chat model: the transcript in, one JSON object out, checked field by field. A
 * reply that is not that object is an error, and the next model (finally the local analyser)
 * takes over.
 */
import type { ChatModel } from '../../brain/llm/chat.ts';
import { LlmError } from '../../brain/llm/errors.ts';
import type { CallAnalysis, CallRecord, Outcome } from './record.ts';
import { OUTCOMES } from './record.ts';
import { ANALYSIS_SYSTEM_PROMPT, analysisInput } from './prompts.ts';

const FIELDS = ['name', 'company', 'email', 'need', 'timeline'] as const;

/** The JSON object in a reply (bare, or in a ```json fence); null when there is none. */
export function jsonObjectIn(text: string): Record<string, unknown> | null {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/.exec(text)?.[1];
  const candidate = fenced ?? text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1);
  try {
    const v = JSON.parse(candidate);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

/** Checks and normalises a model's analysis; throws (kind bad_response) when it is unusable. */
export function parseAnalysis(provider: string, model: string, text: string, r: CallRecord): CallAnalysis {
  const bad = (detail: string) =>
    new LlmError(provider, 'bad_response', undefined, undefined, undefined, detail);
  const o = jsonObjectIn(text);
  if (!o) throw bad('no JSON object');
  const summary = typeof o.summary === 'string' ? o.summary.trim().slice(0, 1200) : '';
  if (!summary) throw bad('no summary');
  const sentiment = Number(o.sentiment);
  const score = Number(o.lead_score);
  if (!Number.isFinite(sentiment) || !Number.isFinite(score)) {
    throw bad('sentiment or lead_score not a number');
  }
  const outcome = (OUTCOMES as readonly string[]).includes(String(o.outcome)) ? o.outcome as Outcome : null;
  const rawFields = (o.fields && typeof o.fields === 'object' ? o.fields : {}) as Record<string, unknown>;
  const fields: CallAnalysis['fields'] = {};
  for (const k of FIELDS) {
    const v = rawFields[k];
    if (typeof v === 'string' && v.trim()) fields[k] = v.trim().slice(0, 200);
  }
  const topics = Array.isArray(o.topics)
    ? o.topics.filter((t) => typeof t === 'string').slice(0, 5) as string[]
    : [];
  return {
    summary,
    sentiment: Math.round(Math.max(-1, Math.min(1, sentiment)) * 100) / 100,
    lead_score: Math.round(Math.max(0, Math.min(100, score))),
    outcome: r.outcome ?? outcome ?? (r.turns.some((t) => t.role === 'caller') ? 'answered' : 'abandoned'),
    fields,
    topics,
    ...(typeof o.lead_evidence === 'boolean' ? { lead_evidence: o.lead_evidence } : {}),
    provider,
    model,
  };
}

/** Asks one model for the analysis within `timeoutMs`. */
export async function analyseWithModel(
  model: ChatModel,
  r: CallRecord,
  timeoutMs: number,
): Promise<CallAnalysis> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    const res = await model.complete({
      system: ANALYSIS_SYSTEM_PROMPT,
      messages: [{ role: 'user', content: analysisInput(r) }],
      tools: [],
      signal: ac.signal,
    });
    return parseAnalysis(model.provider, res.model || model.model, res.text, r);
  } finally {
    clearTimeout(timer);
  }
}
