/**
 * A caller speaks a card number, a social security number and bank numbers during a call that
 * also captures a lead. After the call and all its after-call work (analysis, summary,
 * notifications, CRM job), none of those numbers is in any table of the public schema, in any
 * job payload or result, or in any log the stack's processes wrote.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomInt } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres, { type Sql } from 'postgres';
import { playScenario } from '../../tools/sim/scenario.ts';
import type { Scenario } from '../../tools/sim/scenario-file.ts';
import { stackLayout } from '../../tools/stack/config.ts';
import { env, eventually, noStack, target } from './support.ts';

const PREFIX = '+1555300';
// Each as a pattern that also finds it written with spaces or dashes.
const SECRETS: Record<string, RegExp> = {
  card: /4539[\s-]?1488[\s-]?0343[\s-]?6467/,
  ssn: /219[\s-]?09[\s-]?9999/,
  routing: /021000021/,
  account: /4401[\s-]?2299[\s-]?87/,
};

describe.skipIf(noStack)('redaction: a card number said in a call is stored and sent nowhere', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = postgres(env.dbUrl, { max: 2, onnotice: () => {} });
  });
  afterAll(async () => {
    const like = `${PREFIX}%`;
    await sql`delete from conversations where from_number like ${like}`;
    await sql`delete from customers where phone_number like ${like}`;
    await sql.end();
  });

  it('leaves no trace in any table, job or log, and the caller is asked not to share such details', async () => {
    const caller = `${PREFIX}${String(randomInt(10_000)).padStart(4, '0')}`;
    const scenario: Scenario = {
      name: 'redaction: card, SSN and bank numbers',
      caller,
      given: {},
      turns: [
        { say: 'Hi, this is Mara Quinn from Quinn Florists, my email is mara at quinnflorists dot com' },
        { say: 'I want to pay the setup fee now, my card is 4539 1488 0343 6467',
          expect_reply: ['card or bank details'], expect_reply_not: ['4539'] },
        { say: 'and my social is 219-09-9999, routing number 021000021, account 4401 2299 87',
          expect_reply: ['card or bank details'] },
        { say: 'Thanks, bye.' },
      ],
      expect: {},
    };
    const result = await playScenario(scenario, target);
    expect(result.failures).toEqual([]);
    const conversationId = result.conversation_id!;

    await eventually('the call analysed and every job for it finished', async () => (await sql`
      select (select analysed_at is not null from conversations where id = ${conversationId}) as analysed,
             (select count(*)::int from jobs where state in ('queued', 'running')
                and (payload ->> 'conversation_id' = ${conversationId}
                     or payload ->> 'customer_id' = (select customer_id::text from conversations where id = ${conversationId})))
               as pending`)[0], (r) => r.analysed && r.pending === 0, 30_000);

    const stored = await sql`select m.content from messages m where m.conversation_id = ${conversationId}
      and m.role = 'caller' order by m.turn`;
    expect(stored.map((m) => m.content).join(' ')).toMatch(/\[card number removed\][\s\S]*\[SSN removed\]/);

    // Every table of the public schema, every row as text.
    const tables = await sql<{ name: string }[]>`select format('%I.%I', schemaname, tablename) as name
      from pg_tables where schemaname = 'public'`;
    for (const { name } of tables) {
      for (const [what, re] of Object.entries(SECRETS)) {
        const [{ n }] = await sql.unsafe(`select count(*)::int as n from ${name} t where t::text ~ $1`, [re.source]);
        expect(n, `${what} found in ${name}`).toBe(0);
      }
    }
    // And every log the stack's processes wrote (functions, worker, dashboard, Postgres).
    const logDir = stackLayout('test').logDir;
    for (const file of readdirSync(logDir)) {
      const text = readFileSync(join(logDir, file), 'utf8');
      for (const [what, re] of Object.entries(SECRETS)) expect(re.test(text), `${what} in ${file}`).toBe(false);
    }
  });
});
