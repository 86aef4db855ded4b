/**
 * Test data for the dashboard's tests, written through the database's own call functions
 * (start_call, record_greeting, record_turn, finish_call) as service_role, the way the Edge
 * Functions write it. Every call gets a unique CallSid, so tests never collide.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type Sql = postgres.Sql;

export const ADMIN = 'user_alex_rivera';
export const MEMBER = 'user_jordan_lee';

export function testDb(url: string, max = 4): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    types: { int8: { to: 20, from: [20], parse: (v: string) => Number(v), serialize: (v: number) => String(v) } },
  });
}

export const uniq = () => randomBytes(6).toString('hex');

/** A random callable number in the fictional 555-01xx range, E.164. */
export const phone = () => `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

export interface Turn {
  caller: string;
  agent: string;
  latencyMs?: number;
  /** A streamed reply's first words (relay, realtime). */
  firstTokenMs?: number;
  tools?: string[];
  costUsd?: number;
  actions?: Record<string, unknown>;
}

/** Run `fn` as service_role (what the Edge Functions use), in one transaction. */
export async function asService<T>(sql: Sql, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  return (await sql.begin(async (tx) => {
    await tx.unsafe('set local role service_role');
    return fn(tx);
  })) as T;
}

export async function startCall(sql: Sql, from: string, callSid = `CA${uniq()}${uniq()}`, to = '+15550109999'): Promise<{ callSid: string; id: string }> {
  const [{ r }] = await asService(sql, (tx) => tx<{ r: { conversation_id: string } }[]>`select public.start_call(${callSid}, ${from}, ${to}) as r`);
  return { callSid, id: r.conversation_id };
}

export async function greet(sql: Sql, callSid: string, text = 'Thanks for calling LegacyAI.'): Promise<void> {
  await asService(sql, (tx) => tx`select public.record_greeting(${callSid}, ${text})`);
}

export async function turn(sql: Sql, callSid: string, n: number, t: Turn): Promise<void> {
  const meta = { latency_ms: t.latencyMs ?? 420, provider: 'local', tools: t.tools ?? [], cost_usd: t.costUsd ?? 0.0012,
    ...(t.firstTokenMs === undefined ? {} : { first_token_ms: t.firstTokenMs, voice_mode: 'relay' }) };
  await asService(sql, (tx) => tx`
    select public.record_turn(${callSid}, ${n}, ${tx.json({ kind: 'speech', text: t.caller })}, ${t.agent},
      ${tx.json(meta)}, ${tx.json({})}, ${tx.json((t.actions ?? {}) as never)})
  `);
}

export async function finish(sql: Sql, callSid: string, durationSeconds = 95, status = 'completed'): Promise<void> {
  await asService(sql, (tx) => tx`select public.finish_call(${callSid}, ${status}, ${durationSeconds})`);
}

/** A whole finished call with a transcript, a summary and a sentiment; returns its ids. */
export async function placeCall(sql: Sql, opts: { from?: string; turns?: Turn[]; summary?: string; sentiment?: number; open?: boolean } = {}) {
  const from = opts.from ?? phone();
  const call = await startCall(sql, from);
  await greet(sql, call.callSid);
  for (const [i, t] of (opts.turns ?? [{ caller: 'What are your hours?', agent: 'We are open 9 to 6.' }]).entries()) {
    await turn(sql, call.callSid, i + 1, t);
  }
  if (!opts.open) {
    await finish(sql, call.callSid);
    await settleAnalysis(sql, call.id);
    await asService(sql, (tx) => tx`
      update public.conversations set summary = ${opts.summary ?? 'Caller asked about opening hours.'},
        sentiment_score = ${opts.sentiment ?? 0.4} where id = ${call.id}
    `);
  }
  return { ...call, from };
}

/**
 * Closing a call queues its analysis (`analyse_call:<id>`); a running jobs worker would overwrite
 * the fixture's summary. Wait for the worker to finish it, or, with no worker, retire the job.
 */
async function settleAnalysis(sql: Sql, conversationId: string): Promise<void> {
  const key = `analyse_call:${conversationId}`;
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const [job] = await sql<{ state: string }[]>`select state from public.jobs where dedupe_key = ${key}`;
    if (!job || job.state === 'done' || job.state === 'dead') return;
    await new Promise((r) => setTimeout(r, 50));
  }
  await sql`update public.jobs set state = 'done', finished_at = now() where dedupe_key = ${key} and state = 'queued'`;
}

class Rollback extends Error {}

/**
 * Run `fn` as `authenticated` with these claims (as the dashboard does) in a transaction that is
 * always rolled back: for tests that change shared state (the active configuration, callbacks a
 * worker would dial) without other tests on the same database ever seeing it.
 */
export async function rolledBack<T>(sql: Sql, sub: string, fn: (tx: postgres.TransactionSql) => Promise<T>): Promise<T> {
  let result: T;
  try {
    await sql.begin(async (tx) => {
      await tx.unsafe('set local role authenticated');
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub, role: 'authenticated' })}, true)`;
      result = await fn(tx);
      throw new Rollback();
    });
  } catch (err) {
    if (!(err instanceof Rollback)) throw err;
  }
  return result!;
}
