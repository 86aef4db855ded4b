/** The local analyser's summary: who called and about what, then what came of it. */
import type { CallAnalysis, CallRecord, Outcome } from './record.ts';
import { askedTopics } from '../../brain/speech/asked.ts';
import { extractNeed } from '../../brain/speech/need.ts';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s);

function localTime(at: string, tz: string | undefined): string {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone: tz ?? 'UTC',
      weekday: 'short',
      month: 'short',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
      timeZoneName: 'short',
    }).format(new Date(at));
  } catch {
    return new Date(at).toISOString();
  }
}

function listWords(items: string[]): string {
  return items.length <= 1
    ? items.join('')
    : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const BUYING = /\b(?:get started|sign up|sign me up|buy|purchase|move forward|go ahead)\b/i;

/**
 * Who called and what about: 'Jamie Chen from Bright Smile Dental asked about pricing of the voice
 * agent and wants to get started.' Topics come from the caller's questions, then their need, then
 * the configured topics their words touched; the caller's sentences are never pasted in.
 */
export function subjectOf(
  r: CallRecord,
  f: CallAnalysis['fields'],
  topics: string[],
  texts: string[],
): string {
  const person = f.name
    ? (f.company ? `${f.name} from ${f.company}` : f.name)
    : (f.company ? `A caller from ${f.company}` : 'A caller');
  if (r.direction === 'outbound') {
    const about = r.turns.length ? '' : ' and did not reach them';
    return `The agent called ${f.name ?? 'the customer'} back${about}.`;
  }
  if (texts.length === 0) return `${person} called.`;
  const asked = askedTopics(texts);
  const need = f.need ? extractNeed(f.need, { answer: true }) : null;
  const needNew = need && !asked.some((t) => t.toLowerCase() === need.toLowerCase());
  let s = asked.length
    ? `${person} asked about ${listWords(asked)}`
    : need
    ? `${person} called about ${clip(need, 120)}`
    : topics.length
    ? `${person} called about ${listWords(topics)}`
    : `${person} called`;
  if (asked.length && needNew) s += ` and is interested in ${clip(need, 120)}`;
  else if (texts.some((t) => BUYING.test(t)) && !/\b(?:cancel|refund)\b/i.test(texts.join(' '))) {
    s += ' and wants to get started';
  }
  return `${s.replace(/[.\s]+$/, '')}.`;
}

/** The team member the agent said it was connecting the caller with, if it said so. */
function transferredTo(r: CallRecord): string | null {
  for (const t of r.turns) {
    if (t.role !== 'agent') continue;
    const m =
      /\b(?:[Cc]onnecting you (?:with|to)|[Tt]ransferring you to|[Pp]utting you through to)\s+([A-Z][a-z'-]+(?: [A-Z][a-z'-]+)?)/
        .exec(t.content);
    if (m) return m[1];
  }
  return null;
}

/** Whether the agent told the caller it was outside opening hours. */
function afterHours(r: CallRecord): boolean {
  return r.turns.some((t) =>
    t.role === 'agent' &&
    /\b(?:team is away|we're closed|we are closed|after hours|outside (?:of )?(?:our )?(?:business |opening )?hours|closed (?:right )?now)\b/i
      .test(t.content)
  );
}

/** What came of the call, from the facts the call functions stored. */
export function outcomeSentence(r: CallRecord, outcome: Outcome, f: CallAnalysis['fields'] = {}): string {
  if (r.direction === 'outbound' && outcome === 'abandoned') {
    return r.turns.length ? 'They did not speak.' : '';
  }
  const withEmail = f.email ? ` with email ${f.email}` : '';
  switch (outcome) {
    case 'escalated': {
      const who = transferredTo(r);
      return ['completed', 'answered'].includes(r.transferStatus ?? '')
        ? `Transferred to ${who ?? 'a team member'}.`
        : `They asked for a person; the transfer${who ? ` to ${who}` : ''} was not answered${
          r.transferStatus ? ` (${r.transferStatus})` : ''
        }.`;
    }
    case 'callback_booked': {
      // Who and when come from the task, not from what the agent said.
      const when = r.callback ? ` for ${localTime(r.callback.scheduled_for, r.config?.timezone)}` : '';
      const by = r.callback?.assignee;
      return `${afterHours(r) ? 'Called after hours; callback' : 'Callback'}${
        by ? ` with ${by}` : ''
      } booked${when}.`;
    }
    case 'message_taken':
      return 'Message left for the team.';
    case 'lead_captured':
      return `Lead captured${withEmail}.`;
    case 'abandoned':
      return 'They hung up before saying anything.';
    default:
      return 'The agent answered their questions.';
  }
}
