import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asUser, claimsFor } from '../../web/src/lib/server/db.ts';
import { deleteArticle, listArticles, saveArticle } from '../../web/src/lib/server/queries/knowledge.ts';
import { activeConfig, updateActiveConfig } from '../../web/src/lib/server/queries/settings.ts';
import { adminsAfter, listTeam, saveMember } from '../../web/src/lib/server/queries/team.ts';
import { ADMIN, MEMBER, rolledBack, testDb, uniq, type Sql } from './fixtures.ts';
import { skipWithout } from '../support/stack-env.ts';

const url = process.env.TEST_DB_URL;

// Changes to the shared configuration happen in rolled-back transactions: other suites (the
// simulator's calls) use the same database at the same time.
describe.skipIf(skipWithout({ TEST_DB_URL: url }))('settings: admins write, members only read', () => {
  let sql: Sql;
  beforeAll(() => {
    sql = testDb(url!);
  });
  afterAll(() => sql.end());

  it('reads the active configuration with whether it is open now', async () => {
    const config = await asUser(sql, claimsFor(MEMBER), (tx) => activeConfig(tx));
    expect(config).toMatchObject({ providers: expect.any(Array), timezone: expect.any(String), open_now: expect.any(Boolean) });
  });

  it('an admin changes the greeting, JSON columns and holidays', async () => {
    const greeting = `Hello from the test ${uniq()}`;
    const hours = { mon: [['08:00', '12:00'], ['13:00', '17:00']] as [string, string][] };
    const row = await rolledBack(sql, ADMIN, async (tx) => {
      expect(await updateActiveConfig(tx, { greeting, business_hours: hours, holidays: ['2099-12-25'], escalation_rules: { topics: { x: ['y'] } } })).toBe(true);
      const [r] = await tx`select greeting, business_hours, holidays::text[] as holidays, escalation_rules from public.agent_configs where is_active`;
      return r;
    });
    expect(row).toEqual({ greeting, business_hours: hours, holidays: ['2099-12-25'], escalation_rules: { topics: { x: ['y'] } } });
  });

  it('the override wins over the hours', async () => {
    const [closed, open] = await rolledBack(sql, ADMIN, async (tx) => {
      await updateActiveConfig(tx, { hours_override: 'closed' });
      const c = (await activeConfig(tx))!.open_now;
      await updateActiveConfig(tx, { hours_override: 'open' });
      return [c, (await activeConfig(tx))!.open_now];
    });
    expect([closed, open]).toEqual([false, true]);
  });

  it('the database rejects a bad time zone', async () => {
    await expect(rolledBack(sql, ADMIN, (tx) => updateActiveConfig(tx, { timezone: 'Mars/Olympus' }))).rejects.toMatchObject({ code: '22023' });
  });

  it('an admin switches the voice mode and the session limit; the database refuses an unknown mode', async () => {
    const row = await rolledBack(sql, ADMIN, async (tx) => {
      expect(await updateActiveConfig(tx, { voice_mode: 'gather', session_limit_seconds: 300 })).toBe(true);
      const c = (await activeConfig(tx))!;
      return { voice_mode: c.voice_mode, session_limit_seconds: c.session_limit_seconds };
    });
    expect(row).toEqual({ voice_mode: 'gather', session_limit_seconds: 300 });
    await expect(rolledBack(sql, ADMIN, (tx) => updateActiveConfig(tx, { voice_mode: 'fax' as never }))).rejects.toMatchObject({ code: '23514' });
  });

  it('a member cannot change the configuration (RLS updates nothing)', async () => {
    expect(await rolledBack(sql, MEMBER, (tx) => updateActiveConfig(tx, { greeting: 'member was here' }))).toBe(false);
  });

  it('team: admins add and edit members; the last admin cannot step down; members cannot write', async () => {
    const id = `user_test_${uniq()}`;
    const m = { user_id: id, name: 'Temp', email: null, phone: '+15550100777', role: 'member' as const, topics: ['billing'], active: true };
    const added = await rolledBack(sql, ADMIN, async (tx) => {
      await saveMember(tx, m);
      return (await listTeam(tx)).find((t) => t.user_id === id);
    });
    expect(added).toMatchObject({ topics: ['billing'] });
    await expect(rolledBack(sql, MEMBER, (tx) => saveMember(tx, m))).rejects.toThrow(/row-level security/);
    expect(await rolledBack(sql, ADMIN, (tx) => adminsAfter(tx, ADMIN, 'member', true))).toBe(0);
    expect(await rolledBack(sql, ADMIN, (tx) => adminsAfter(tx, ADMIN, 'admin', true))).toBe(1);
  });

  it('knowledge: admins create, edit and delete articles, and the agent’s search finds them', async () => {
    const title = `Parking ${uniq()}`;
    const steps = await rolledBack(sql, ADMIN, async (tx) => {
      const id = await saveArticle(tx, null, { title, body: 'Free parking behind the office.', tags: ['parking'], active: true });
      const [hit] = await tx`select id from public.search_knowledge('where can I park my car', 3) where title = ${title}`;
      const edited = await saveArticle(tx, id, { title, body: 'Parking is free.', tags: ['parking'], active: false });
      const inactive = (await listArticles(tx)).find((a) => a.id === id)?.active === false;
      return { id, hit: hit?.id, edited, inactive, deleted: await deleteArticle(tx, id!) };
    });
    expect(steps).toEqual({ id: steps.id, hit: steps.id, edited: steps.id, inactive: true, deleted: true });
    const [article] = await sql<{ id: string }[]>`select id from public.knowledge_articles where active limit 1`;
    expect(await rolledBack(sql, MEMBER, (tx) => saveArticle(tx, article.id, { title, body: 'x', tags: [], active: false }))).toBeNull();
    expect(await rolledBack(sql, MEMBER, (tx) => deleteArticle(tx, article.id))).toBe(false);
  });
});
