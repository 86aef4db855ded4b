/**
 * What the model is told about the call: the configured system prompt plus facts from the
 * system (time, hours, who is calling, the team's topics), and the transcript as messages.
 */
import type { TurnContext } from '../types.ts';
import type { ChatMessage } from './chat.ts';
import { INPUT_NOTES, PHONE_RULES } from './prompts.ts';

/** Most transcript entries sent with a turn; older ones are dropped first. */
export const MAX_HISTORY = 40;

function localTime(now: Date, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'long',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: 'numeric',
      minute: '2-digit',
    }).format(now);
  } catch {
    return now.toISOString();
  }
}

/** Facts about this call, one per line. Team members appear by name and topics, never by number. */
export function callFacts(ctx: TurnContext): string[] {
  const { config, customer } = ctx;
  const facts = [
    `Business: ${config.business_name}.`,
    `Now at the business: ${localTime(ctx.now, config.timezone)} (${config.timezone}).`,
    ctx.withinHours
      ? 'The business is open now; transfers to the team are possible.'
      : 'The business is closed now; do not transfer. Take a message and offer a callback in business hours.',
    `Call direction: ${ctx.direction}. Reply in the language ${config.language}.`,
  ];
  if (customer?.name) {
    // Only the first name: the model cannot read back what it was never given.
    const known = (['company', 'email', 'need', 'timeline'] as const).filter((k) => customer[k]);
    facts.push(
      `The number calling is on file under the first name ${customer.name.trim().split(/\s+/)[0]}.` +
        (known.length ? ` Already on file (never read back): ${known.join(', ')}.` : ''),
    );
  } else facts.push('The caller is not known yet.');
  const team = ctx.team.filter((m) => m.active && m.topics.length);
  if (team.length) {
    facts.push('People you can transfer to, by topic:');
    for (const m of team) facts.push(`- ${m.name}: ${m.topics.join(', ')}`);
  }
  return facts;
}

/** The full system prompt: configured persona, phone rules, then the facts of this call. */
export function buildSystemPrompt(ctx: TurnContext): string {
  return [
    ctx.config.system_prompt.trim(),
    PHONE_RULES,
    `Facts about this call (from the system, not from the caller):\n${callFacts(ctx).join('\n')}`,
  ].filter(Boolean).join('\n\n');
}

/** The transcript as chat messages, ending with the caller's input for this turn. */
export function buildMessages(ctx: TurnContext): ChatMessage[] {
  const history = ctx.history.slice(-MAX_HISTORY);
  const msgs: ChatMessage[] = history.map((h) =>
    h.role === 'caller' ? { role: 'user', content: h.content } : { role: 'assistant', content: h.content }
  );
  const input = ctx.input.kind === 'speech'
    ? ctx.input.text
    : ctx.input.kind === 'digits'
    ? INPUT_NOTES.digits(ctx.input.digits)
    : INPUT_NOTES.silence;
  const last = history.at(-1);
  // The webhook may already have stored this turn's words in the history.
  const already = ctx.input.kind === 'speech' && last?.role === 'caller' && last.content === input;
  if (ctx.dialResult) msgs.push({ role: 'user', content: INPUT_NOTES.dial(ctx.dialResult.status) });
  if (!already) msgs.push({ role: 'user', content: input });
  return msgs;
}
