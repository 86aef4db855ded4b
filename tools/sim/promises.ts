/**
 * The check every scenario runs: what the agent promised matches what the database holds. A
 * promise is a sentence in which the agent commits ("I've booked", "will call you", "he agendado",
 * "le llamará"), not an offer or a question. Its last mention of a team member must be the person
 * a task of this call is assigned to; its last spoken time of day must be the time of the callback
 * the call left behind.
 */

/** A task the call created, as the check needs it. */
export type PromisedTask = { task_type: string; local_time: string; assignee: string | null };

const COMMITS =
  /\b(?:i've booked|i have booked|booked (?:you|a|the|it)|will call you|'ll call you|will be in touch|is going to call|will give you a call|he agendado|he reservado|le llamará|te llamará|lo llamará|la llamará|le devolverá la llamada)\b/i;
const OFFER = /\b(?:would you like|do you want|shall i|can have|could have|i can|¿|quiere|desea|puedo)\b/i;
const TIME = /\b(\d{1,2})(?::(\d{2}))?\s*(a\.?\s?m\.?|p\.?\s?m\.?)(?![a-z])|\b(noon|mediod[ií]a)\b/gi;

/** The sentences of a reply that commit to something. */
export function promiseSentences(reply: string): string[] {
  return reply
    .split(/(?<=[.!?])\s+/)
    .filter((s) => COMMITS.test(s) && !s.trim().endsWith('?') && !OFFER.test(s));
}

/** Times of day in a sentence, as HH:MM (24 h). */
export function spokenTimes(sentence: string): string[] {
  const out: string[] = [];
  for (const m of sentence.matchAll(TIME)) {
    if (m[4]) {
      out.push('12:00');
      continue;
    }
    let hour = Number(m[1]) % 12;
    if (/^p/i.test(m[3]!)) hour += 12;
    out.push(`${String(hour).padStart(2, '0')}:${m[2] ?? '00'}`);
  }
  return out;
}

/**
 * Failures, as sentences, when the agent's promises name a person or a time that no task of the
 * call holds. `agentReplies` are in speaking order; `team` are the team members' full names.
 */
export function checkPromises(agentReplies: string[], tasks: PromisedTask[], team: string[]): string[] {
  let person: { name: string; said: string } | null = null;
  let time: { at: string; said: string } | null = null;
  for (const reply of agentReplies) {
    for (const sentence of promiseSentences(reply)) {
      const named = team.filter((full) => new RegExp(`\\b${escape(full.split(/\s+/)[0]!)}\\b`, 'i').test(sentence));
      if (named.length === 1) person = { name: named[0]!, said: sentence };
      const times = spokenTimes(sentence);
      if (times.length) time = { at: times[times.length - 1]!, said: sentence };
    }
  }
  const failures: string[] = [];
  if (person && !tasks.some((t) => t.assignee === person!.name)) {
    const held = tasks.map((t) => `${t.task_type} for ${t.assignee ?? 'nobody'}`).join(', ') || 'no task';
    failures.push(`promise: the agent said "${person.said}" but the call left ${held}`);
  }
  if (time && !tasks.some((t) => t.task_type === 'callback' && t.local_time === time!.at)) {
    const held = tasks.filter((t) => t.task_type === 'callback').map((t) => `a callback at ${t.local_time}`).join(', ') ||
      'no callback';
    failures.push(`promise: the agent said "${time.said}" but the call left ${held}`);
  }
  return failures;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
