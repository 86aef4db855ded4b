import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, claimsFor } from '../../web/src/lib/server/db.ts';
import { callNow, customerDetail, customerFilters, listCustomers, updateCustomer } from '../../web/src/lib/server/queries/customers.ts';
import { closeTask, isFutureLocal, listTasks, rescheduleTask, taskFilters } from '../../web/src/lib/server/queries/tasks.ts';
import { MEMBER, placeCall, rolledBack, testDb, uniq, type Sql } from './fixtures.ts';
import { skipWithout } from '../support/stack-env.ts';

const url = process.env.TEST_DB_URL;
const member = claimsFor(MEMBER);

describe.skipIf(skipWithout({ TEST_DB_URL: url }))('customers and callbacks under RLS', () => {
  let sql: Sql;
  let customerId: string;
  const name = `Robin ${uniq()}`;

  beforeAll(async () => {
    sql = testDb(url!);
    const call = await placeCall(sql, {
      turns: [{ caller: 'Call me back tomorrow', agent: 'Booked.', actions: { lead: { name }, callback: { at: new Date(Date.now() + 86_400_000).toISOString(), notes: 'tomorrow' } } }],
    });
    const [row] = await sql<{ customer_id: string }[]>`select customer_id from public.conversations where id = ${call.id}`;
    customerId = row.customer_id;
  });
  afterAll(() => sql.end());

  it('lists and searches customers', async () => {
    const { rows, total } = await asUser(sql, member, (tx) => listCustomers(tx, customerFilters(new URLSearchParams({ q: name }))));
    expect(total).toBe(1);
    expect(rows[0]).toMatchObject({ id: customerId, name, call_count: 1 });
  });

  it('a customer’s page has their calls and tasks', async () => {
    const detail = await asUser(sql, member, (tx) => customerDetail(tx, customerId));
    expect(detail?.calls).toHaveLength(1);
    expect(detail?.tasks.map((t) => t.task_type)).toEqual(['callback']);
  });

  it('members edit a customer; the database’s checks still apply', async () => {
    const edit = { name, company: 'Acme', email: 'robin@acme.test', need: 'demo', timeline: 'Q1', lead_status: 'qualified', lead_score: 80, notes: 'hot' };
    expect(await asUser(sql, member, (tx) => updateCustomer(tx, customerId, edit))).toBe(true);
    const [row] = await sql`select company, lead_status, lead_score from public.customers where id = ${customerId}`;
    expect(row).toEqual({ company: 'Acme', lead_status: 'qualified', lead_score: 80 });
    await expect(asUser(sql, member, (tx) => updateCustomer(tx, customerId, { ...edit, lead_score: 101 }))).rejects.toMatchObject({ code: '23514' });
  });

  it('a stranger can neither read nor edit customers', async () => {
    const stranger = claimsFor('user_stranger');
    expect(await asUser(sql, stranger, (tx) => customerDetail(tx, customerId))).toBeNull();
    expect(await asUser(sql, stranger, (tx) => updateCustomer(tx, customerId, { name: 'x', company: null, email: null, need: null, timeline: null, lead_status: 'lost', lead_score: null, notes: null }))).toBe(false);
    await expect(asUser(sql, stranger, (tx) => callNow(tx, customerId))).rejects.toMatchObject({ code: '42501' });
  });

  // Rolled back: a callback due now is what the worker dials.
  it('“call now” queues one pending callback due now, assigned to whoever asked; a second click reuses it', async () => {
    const { first, second, task } = await rolledBack(sql, MEMBER, async (tx) => {
      const first = await callNow(tx, customerId);
      const second = await callNow(tx, customerId);
      const [task] = await tx`select task_type, status, assigned_to, scheduled_for <= now() as due from public.scheduled_tasks where id = ${first.id}`;
      return { first, second, task };
    });
    expect(second.id).toBe(first.id);
    expect(task).toMatchObject({ task_type: 'callback', status: 'pending', assigned_to: MEMBER, due: true });
  });

  it('reschedules, marks done and cancels; closed tasks stay closed', async () => {
    const [{ id }] = await sql<{ id: string }[]>`
      insert into public.scheduled_tasks (customer_id, task_type, scheduled_for, notes) values (${customerId}, 'follow_up', now() + interval '1 hour', 'test') returning id`;
    const pending = await asUser(sql, member, (tx) => listTasks(tx, taskFilters(new URLSearchParams())));
    expect(pending.map((t) => t.id)).toContain(id);

    expect(await asUser(sql, member, (tx) => isFutureLocal(tx, '2020-01-01T10:00'))).toBe(false);
    expect(await asUser(sql, member, (tx) => rescheduleTask(tx, id, '2099-03-04T10:30'))).toBe(true);
    const [moved] = await sql<{ local: string }[]>`
      select to_char(scheduled_for at time zone public.business_timezone(), 'YYYY-MM-DD"T"HH24:MI') as local from public.scheduled_tasks where id = ${id}`;
    expect(moved.local).toBe('2099-03-04T10:30');

    expect(await asUser(sql, member, (tx) => closeTask(tx, id, 'done'))).toBe(true);
    expect(await asUser(sql, member, (tx) => closeTask(tx, id, 'cancelled'))).toBe(false);
    expect(await asUser(sql, member, (tx) => rescheduleTask(tx, id, '2099-03-05T10:30'))).toBe(false);
    const done = await asUser(sql, member, (tx) => listTasks(tx, taskFilters(new URLSearchParams({ status: 'done', type: 'follow_up' }))));
    expect(done.map((t) => t.id)).toContain(id);
  });
});
