/** What the fault tests count in the database, and the removal of their own rows afterwards. */
import postgres, { type Sql } from 'postgres';

export function connect(url: string): Sql {
  return postgres(url, { max: 3, onnotice: () => {}, connect_timeout: 5 });
}

export interface CallFacts {
  conversations: number;
  messages: number;
  /** (turn, role) pairs stored more than once: always 0, the table has a unique key. */
  callerMessages: number;
  agentMessages: number;
  status: string | null;
  endedAt: Date | null;
  lastTurn: number | null;
}

/** The conversation of a CallSid and its messages, counted. */
export async function callFacts(sql: Sql, callSid: string): Promise<CallFacts> {
  const [row] = await sql<CallFacts[]>`
    select count(distinct c.id)::int as conversations,
           count(m.id)::int as messages,
           count(m.id) filter (where m.role = 'caller')::int as "callerMessages",
           count(m.id) filter (where m.role = 'agent')::int as "agentMessages",
           max(c.status) as status, max(c.ended_at) as "endedAt", max(c.last_turn) as "lastTurn"
    from conversations c left join messages m on m.conversation_id = c.id
    where c.call_sid = ${callSid}`;
  return row!;
}

/** The stored messages of a call, in order. */
export async function messagesOf(sql: Sql, callSid: string) {
  return sql<{ turn: number; role: string; kind: string; content: string; provider: string | null }[]>`
    select m.turn, m.role, m.kind, m.content, m.provider
    from messages m join conversations c on c.id = m.conversation_id
    where c.call_sid = ${callSid}
    order by m.turn, m.role = 'agent'`;
}

export { removeCallers } from '../../../tools/bench/db.ts';
