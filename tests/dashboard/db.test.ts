import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, MEMBER, testDb, type Sql } from './fixtures.ts';
import { asUser, claimsFor } from '../../web/src/lib/server/db.ts';
import { skipWithout } from '../support/stack-env.ts';

const url = process.env.TEST_DB_URL;

describe.skipIf(skipWithout({ TEST_DB_URL: url }))('asUser: every request under RLS as the signed-in user', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testDb(url!);
  });
  afterAll(() => sql.end());

  it('runs as authenticated with the claims, never as the connection role', async () => {
    const [row] = await asUser(sql, claimsFor(MEMBER), (tx) => tx`
      select current_user as role, auth.jwt() ->> 'sub' as sub, public.is_team_member() as member, public.is_team_admin() as admin
    `);
    expect(row).toEqual({ role: 'authenticated', sub: MEMBER, member: true, admin: false });
  });

  it('the role and claims end with the transaction', async () => {
    const one = testDb(url!, 1);
    try {
      const [before] = await one`select current_user as role`;
      await asUser(one, claimsFor(ADMIN), (tx) => tx`select 1`);
      const [after] = await one`select current_user as role, nullif(current_setting('request.jwt.claims', true), '') as claims`;
      expect(after).toEqual({ role: before.role, claims: null });
      expect(before.role).not.toBe('authenticated');
    } finally {
      await one.end();
    }
  });

  it('a non-member reads nothing', async () => {
    const rows = await asUser(sql, claimsFor('user_stranger'), async (tx) => ({
      team: (await tx`select 1 from public.team_members`).length,
      config: (await tx`select 1 from public.agent_configs`).length,
      calls: (await tx`select 1 from public.conversations`).length,
    }));
    expect(rows).toEqual({ team: 0, config: 0, calls: 0 });
  });

  it('a member cannot write what only admins may', async () => {
    const updated = await asUser(sql, claimsFor(MEMBER), (tx) => tx`update public.agent_configs set greeting = 'hacked' where is_active returning id`);
    expect(updated).toHaveLength(0);
  });
});
