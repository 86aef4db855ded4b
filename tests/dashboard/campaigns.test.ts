import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type postgres from 'postgres';
import { campaignDetail, createCampaign, listCampaigns, listMeetings, parseLeadCsv } from '../../web/src/lib/server/queries/campaigns.ts';
import { ADMIN, MEMBER, rolledBack, testDb, type Sql } from './fixtures.ts';

const url = process.env.TEST_DB_URL;
const settings = { name: 'Spring follow-up', goal: 'follow_up', opening: 'Hi {name}', instructions: '', voicemailAction: 'leave',
  voicemailEn: 'Hi {name}, please call us back.', voicemailEs: 'Hola {name}, llámenos.', maxConcurrent: 2, callsPerMinute: 10,
  maxAttempts: 3, retryMinutes: 60 };

describe.skipIf(!url)('campaigns and meetings on the dashboard, under RLS', () => {
  let sql: Sql;
  beforeAll(() => { sql = testDb(url!); });
  afterAll(() => sql.end());

  it('reads a pasted CSV by its header', () => {
    expect(parseLeadCsv('phone,name,time_zone,language\n+15555553701, Ana Ruiz ,America/Chicago,es\n\n')).toEqual([
      { phone_number: '+15555553701', name: 'Ana Ruiz', time_zone: 'America/Chicago', language: 'es' }]);
    expect(parseLeadCsv('+15555553701')).toEqual([]);
  });

  it('an admin creates a campaign from a CSV; bad rows are reported, the good ones kept', async () => {
    await rolledBack(sql, ADMIN, async (tx) => {
      const created = await createCampaign(tx, settings, { statuses: [], minScore: null,
        csv: parseLeadCsv('phone_number,name\n+15555553702,Bo Li\n(555) 555-3703,Cy Ng\nnot-a-number,Di Oz') });
      expect(created.reports).toEqual([{ added: 2, duplicates: 0, invalid: [{ row: 3, reason: 'phone number is not a valid E.164 number' }] }]);
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: MEMBER, role: 'authenticated' })}, true)`;
      const detail = await campaignDetail(tx, created.id);
      expect(detail?.leads.map((l) => l.phone_number).sort()).toEqual(['+15555553702', '+15555553703']);
      expect(detail?.progress.counts).toEqual({ queued: 2 });
      const list = await listCampaigns(tx);
      expect(list.find((c) => c.id === created.id)).toMatchObject({ leads: 2, status: 'draft' });
    });
  });

  it('a member who is not an admin cannot create or start one', async () => {
    await expect(rolledBack(sql, MEMBER, (tx) => createCampaign(tx, settings, { statuses: ['new'], minScore: null, csv: [] })))
      .rejects.toThrow(/row-level security/);
  });

  it('lists upcoming meetings with their team member, not past ones', async () => {
    await sql.begin(async (tx) => {
      await tx`insert into public.meetings (team_member_id, title, starts_at, ends_at, provider, attendee_name)
        values ('user_alex_rivera', 'Campaign test soon', now() + interval '300 days', now() + interval '300 days 30 minutes', 'local', 'Eve'),
               ('user_alex_rivera', 'Campaign test past', now() - interval '300 days', now() - interval '300 days' + interval '30 minutes', 'local', 'Eve')`;
      await tx.unsafe('set local role authenticated');
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ sub: MEMBER, role: 'authenticated' })}, true)`;
      const upcoming = await listMeetings(tx as unknown as postgres.TransactionSql, true);
      const past = await listMeetings(tx as unknown as postgres.TransactionSql, false);
      expect(upcoming.filter((m) => m.title.startsWith('Campaign test')).map((m) => [m.title, m.member_name]))
        .toEqual([['Campaign test soon', 'Alex Rivera']]);
      expect(past.filter((m) => m.title.startsWith('Campaign test')).map((m) => m.title)).toEqual(['Campaign test past']);
      await tx`select 1/0`; // roll back
    }).catch((e) => { if (!/division by zero/.test(String(e))) throw e; });
  });
});
