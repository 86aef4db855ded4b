/**
 * The dashboard's privacy queries as the signed-in admin or member would run them (RLS and the
 * SQL functions' own checks apply), in rolled-back transactions on the shared test database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, claimsFor } from '../../web/src/lib/server/db.ts';
import {
  addDoNotCall, auditEntries, dataRequests, decideDataRequest, exportCustomer, listDoNotCall, privacySettings,
  removeDoNotCall, updatePrivacySettings,
} from '../../web/src/lib/server/queries/privacy.ts';
import { ADMIN, MEMBER, rolledBack, testDb, type Sql } from '../dashboard/fixtures.ts';
import { auditClerkSignIn } from '../../web/src/lib/server/sign-ins.ts';

const url = process.env.TEST_DB_URL;

describe.skipIf(!url)('privacy in the dashboard', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testDb(url!);
  });
  afterAll(() => sql.end());

  it('an admin sets recording, disclosure and retention; the change is audited with its values', async () => {
    const [settings, audit] = await rolledBack(sql, ADMIN, async (tx) => {
      await updatePrivacySettings(tx, { ai_disclosure: false, recording_mode: 'ask', retention_mode: 'no_pii', retention_days: 45 });
      return [await privacySettings(tx), await auditEntries(tx, 5)];
    });
    expect(settings).toMatchObject({ ai_disclosure: false, recording_mode: 'ask', retention_mode: 'no_pii', retention_days: 45 });
    expect(audit.map((a) => [a.actor, a.action])).toEqual(expect.arrayContaining([
      [ADMIN, 'agent_configs.update'], [ADMIN, 'automation_settings.update']]));
    const settingsEntry = audit.find((a) => a.action === 'automation_settings.update')!;
    expect(settingsEntry.detail).toMatchObject({ values: { retention_mode: { to: 'no_pii' }, retention_days: { to: 45 } } });
  });

  it('a member cannot change privacy settings, read the audit log or the data requests, or export', async () => {
    await expect(rolledBack(sql, MEMBER, (tx) =>
      updatePrivacySettings(tx, { ai_disclosure: false, recording_mode: 'off', retention_mode: 'basic', retention_days: 1 })
        .then(() => privacySettings(tx)))).resolves.toMatchObject({ retention_mode: expect.not.stringMatching(/^basic$/) });
    expect(await asUser(sql, claimsFor(MEMBER), (tx) => auditEntries(tx))).toEqual([]);
    expect(await asUser(sql, claimsFor(MEMBER), (tx) => dataRequests(tx))).toEqual([]);
    // A customer of its own: a fresh database has none until a call comes in.
    const phone = `+1555302${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const [c] = await sql<{ id: string }[]>`insert into public.customers (phone_number) values (${phone}) returning id`;
    await expect(rolledBack(sql, MEMBER, (tx) => exportCustomer(tx, { id: c!.id }))).rejects.toMatchObject({ code: '42501' });
    await sql`delete from public.customers where id = ${c!.id}`;
  });

  it('the team keeps the do-not-call list; a caller\'s own request cannot be removed', async () => {
    const phone = `+1555301${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const out = await rolledBack(sql, MEMBER, async (tx) => {
      const added = await addDoNotCall(tx, phone, 'asked by email');
      const again = await addDoNotCall(tx, phone, null);
      const entry = (await listDoNotCall(tx)).find((d) => d.phone_number === phone)!;
      const removed = await removeDoNotCall(tx, entry.phone_key);
      return { added, again, entry, removed };
    });
    expect(out).toMatchObject({ added: true, again: false, removed: true, entry: { source: 'team', added_by: MEMBER } });
    await expect(rolledBack(sql, MEMBER, (tx) => addDoNotCall(tx, '555-0100', null))).rejects.toMatchObject({ code: '22023' });
  });

  it('an admin exports a customer and approves their erasure', async () => {
    const phone = `+1555302${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    let result!: { doc: { customer: { email: string }; calls: unknown[] }; decided: Record<string, unknown>; left: number;
      audit: { action: string }[] };
    const rollback = new Error('rollback');
    await sql.begin(async (tx) => {
      const [c] = await tx`insert into public.customers (phone_number, name, email) values (${phone}, 'Ola Export', 'ola@export.example')
        returning id`;
      const [conv] = await tx`insert into public.conversations (call_sid, customer_id, from_number, to_number)
        values (${`CA_export_${phone}`}, ${c.id}, ${phone}, '+15550100000') returning call_sid`;
      await tx`select public.record_privacy_request(${conv.call_sid}, 'erasure')`;
      await tx.unsafe('set local role authenticated');
      await tx`select set_config('request.jwt.claims', ${JSON.stringify(claimsFor(ADMIN))}, true)`;
      const doc = await exportCustomer(tx, { phone }) as typeof result.doc;
      const pending = (await dataRequests(tx)).find((r) => r.phone_number === phone)!;
      const decided = await decideDataRequest(tx, pending.id, true);
      const left = await tx`select count(*)::int as n from public.customers where phone_number = ${phone}`;
      const audit = await auditEntries(tx, 5);
      result = { doc, decided, left: left[0].n, audit };
      throw rollback;
    }).catch((e) => {
      if (e !== rollback) throw e;
    });
    expect(result.doc.customer.email).toBe('ola@export.example');
    expect(result.doc.calls).toHaveLength(1);
    expect(result.decided).toMatchObject({ status: 'completed', erased: { calls: 1 } });
    expect(result.left).toBe(0);
    expect(result.audit.map((a) => a.action)).toEqual(expect.arrayContaining(['customer.erase', 'customer.export']));
    expect(JSON.stringify(result.audit)).not.toMatch(/Ola Export|ola@export|555302/);
  });
});

describe.skipIf(!url)('the audit log sees exports and Clerk sign-ins', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testDb(url!);
  });
  afterAll(() => sql.end());

  it('a Clerk session signs in once in the audit log, however many requests it makes', async () => {
    const sid = `sess_${Math.random().toString(36).slice(2, 12)}`;
    const claims = claimsFor(MEMBER, { sid });
    await auditClerkSignIn(sql, claims);
    await auditClerkSignIn(sql, claims);
    // A second dashboard process has not seen it: the database still keeps it to one.
    await asUser(sql, claims, (tx) => tx`select public.audit_session_sign_in(${sid})`);
    const rows = await sql<{ actor: string; detail: Record<string, string> }[]>`
      select actor, detail from audit_log where action = 'session.sign_in' and detail ->> 'session' = ${sid}`;
    expect(rows).toEqual([{ actor: MEMBER, detail: { via: 'clerk', session: sid } }]);
  });
});
