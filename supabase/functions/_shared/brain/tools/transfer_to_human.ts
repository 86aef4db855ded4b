/**
 * transfer_to_human: dial the team member who takes the topic. Numbers come only from the team list
 * of the turn, never from the arguments. Outside business hours nobody is dialled: a message is
 * left for that person and the agent offers a callback instead.
 */
import type { TeamMember, Tool, ToolContext, ToolOutcome } from '../types.ts';
import { describeHours } from '../hours.ts';
import { isE164 } from '../speech/phone.ts';
import { detectTopics, firstName, memberForTopics, memberNamed, topicLexicon } from './routing.ts';

function str(v: unknown, max = 300): string {
  return typeof v === 'string' ? v.replace(/\s+/g, ' ').trim().slice(0, max) : '';
}

/** The member for a topic (or a named person), as the transfer would choose. */
export function chooseMember(
  tc: ToolContext,
  topic: string,
  person = '',
): { member: TeamMember | null; topic?: string } {
  const team = tc.turn.team.filter((m) => m.active && isE164(m.phone));
  const named = person ? memberNamed(person, team) : null;
  const lexicon = topicLexicon(tc.turn.config);
  const topics = topic ? (topic.toLowerCase() in lexicon ? [topic.toLowerCase()] : []) : [];
  if (topic && !topics.length) topics.push(...detectTopics(topic, tc.turn.config, team));
  if (topic && !topics.length) topics.push(topic.toLowerCase());
  return { member: named ?? memberForTopics(topics, tc.turn.config, team), topic: topics[0] };
}

export const transferToHuman: Tool = {
  name: 'transfer_to_human',
  description: 'Connect the caller to a person on the team, chosen by topic (sales, pricing, technical, ' +
    'integrations, billing, cancellation, complaint, ...). Use when the caller asks for a person, is upset, or ' +
    'needs something only a person may do (billing disputes, cancellations, legal, emergencies). Outside ' +
    'business hours it leaves a message instead and you should offer a callback.',
  parameters: {
    type: 'object',
    properties: {
      topic: {
        type: 'string',
        description: 'What the caller needs, e.g. "billing", "integrations", "pricing".',
      },
      reason: { type: 'string', description: 'Why a person is needed, in a short sentence.' },
      person: { type: 'string', description: 'A team member the caller asked for by name, if any.' },
    },
    required: ['reason'],
    additionalProperties: false,
  },
  handler(args, tc): Promise<ToolOutcome> {
    const topicText = str(args.topic, 120);
    const reason = str(args.reason);
    const { member, topic } = chooseMember(tc, topicText, str(args.person, 80));
    const es = tc.language === 'es';
    if (!member) {
      return Promise.resolve({
        ok: false,
        result: es
          ? 'Lo siento, ahora no hay nadie con quien comunicarle, pero puedo pedir que le devuelvan la llamada.'
          : "I'm sorry, there's no one I can put you through to right now, but I can have someone call you back.",
        actions: { message: { text: `Caller asked for a person${reason ? `: ${reason}` : ''}`, topic } },
      });
    }
    const who = member.name;
    if (!tc.turn.withinHours) {
      const hours = describeHours(tc.turn.config, es ? 'es' : 'en');
      return Promise.resolve({
        ok: false,
        result: es
          ? `Nuestro equipo no está disponible ahora${hours ? `; abrimos ${hours}` : ''}. No puedo comunicarle, ` +
            `pero puedo pedirle a ${firstName(who)} que le devuelva la llamada.`
          : `Our team is away right now${hours ? `; we're open ${hours}` : ''}. I can't put you through, ` +
            `but I can have ${who} call you back.`,
        actions: {
          message: {
            text: `Caller asked to speak with ${who}${reason ? `: ${reason}` : ''} (after hours)`,
            topic,
            user_id: member.user_id,
          },
        },
      });
    }
    return Promise.resolve({
      ok: true,
      result: es ? `Le comunico con ${firstName(who)} ahora.` : `Connecting you with ${firstName(who)} now.`,
      actions: {
        transfer: { user_id: member.user_id, phone: member.phone, topic, reason: reason || undefined },
      },
    });
  },
};
