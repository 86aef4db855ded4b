/** Campaigns, their leads' progress, and meetings, read and changed under RLS (SQL owns the rules). */
import type { Tx } from '../db.ts';

export interface CampaignRow {
  id: string;
  name: string;
  goal: string;
  status: string;
  created_at: Date;
  leads: number;
  counts: Record<string, number>;
}

export interface LeadRow {
  id: string;
  phone_number: string;
  name: string | null;
  language: string;
  status: string;
  waiting_reason: string | null;
  attempts: number;
  next_attempt_at: Date;
  answered_by: string | null;
  outcome: string | null;
  conversation_id: string | null;
}

export function listCampaigns(tx: Tx): Promise<CampaignRow[]> {
  return tx<CampaignRow[]>`
    select c.id, c.name, c.goal, c.status, c.created_at,
           (select count(*) from public.campaign_leads l where l.campaign_id = c.id)::int as leads,
           (select coalesce(jsonb_object_agg(status, n), '{}') from (select status, count(*)::int as n
              from public.campaign_leads l where l.campaign_id = c.id group by status) s) as counts
    from public.campaigns c order by c.created_at desc limit 100`;
}

export async function campaignDetail(tx: Tx, id: string) {
  const [campaign] = await tx`select id, name, goal, status, opening, voicemail_action, max_concurrent, calls_per_minute,
    max_attempts, retry_minutes, started_at, finished_at from public.campaigns where id = ${id}`;
  if (!campaign) return null;
  const leads = await tx<LeadRow[]>`
    select id, phone_number, name, language, status, waiting_reason, attempts, next_attempt_at, answered_by, outcome,
           conversation_id
    from public.campaign_leads where campaign_id = ${id}
    order by (status = 'calling') desc, updated_at desc limit 500`;
  const [{ progress }] = await tx`select public.campaign_progress(${id}::uuid) as progress`;
  return { campaign, leads, progress: progress as { counts: Record<string, number>; calls_placed: number } };
}

export interface NewCampaign {
  name: string;
  goal: string;
  opening: string;
  instructions: string;
  voicemailAction: string;
  voicemailEn: string;
  voicemailEs: string;
  maxConcurrent: number;
  callsPerMinute: number;
  maxAttempts: number;
  retryMinutes: number;
}

/** Creates the campaign (admins only, by RLS) and adds its leads; answers the add report. */
export async function createCampaign(tx: Tx, c: NewCampaign, leads: { statuses: string[]; minScore: number | null; csv: Record<string, string>[] }) {
  const [row] = await tx`insert into public.campaigns (name, goal, opening, instructions, voicemail_action, voicemail_messages,
      max_concurrent, calls_per_minute, max_attempts, retry_minutes, created_by)
    values (${c.name}, ${c.goal}, ${c.opening}, ${c.instructions}, ${c.voicemailAction},
      ${tx.json({ en: c.voicemailEn, ...(c.voicemailEs ? { es: c.voicemailEs } : {}) })},
      ${c.maxConcurrent}, ${c.callsPerMinute}, ${c.maxAttempts}, ${c.retryMinutes},
      (select auth.jwt() ->> 'sub'))
    returning id`;
  const reports = [];
  if (leads.statuses.length) {
    const [{ r }] = await tx`select public.add_campaign_leads_from_customers(${row.id}::uuid, ${leads.statuses}, ${leads.minScore}) as r`;
    reports.push(r);
  }
  if (leads.csv.length) {
    const [{ r }] = await tx`select public.add_campaign_leads(${row.id}::uuid, ${tx.json(leads.csv)}) as r`;
    reports.push(r);
  }
  return { id: row.id as string, reports };
}

/** Rows of a pasted CSV with a header line (phone_number, name, time_zone, language). */
export function parseLeadCsv(text: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length < 2) return [];
  const header = lines[0].split(',').map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  return lines.slice(1).map((line) => {
    const cells = line.split(',').map((c) => c.trim().replace(/^"|"$/g, ''));
    return Object.fromEntries(header.map((h, i) => [h === 'phone' ? 'phone_number' : h, cells[i] ?? '']));
  });
}

export interface MeetingRow {
  id: string;
  title: string;
  starts_at: Date;
  ends_at: Date;
  status: string;
  provider: string;
  member_name: string;
  attendee_name: string | null;
  attendee_email: string | null;
  customer_id: string | null;
  conversation_id: string | null;
  invite_sent_at: Date | null;
}

export function listMeetings(tx: Tx, upcoming: boolean): Promise<MeetingRow[]> {
  return tx<MeetingRow[]>`
    select m.id, m.title, m.starts_at, m.ends_at, m.status, m.provider, t.name as member_name, m.attendee_name,
           m.attendee_email, m.customer_id, m.conversation_id, m.invite_sent_at
    from public.meetings m join public.team_members t on t.user_id = m.team_member_id
    where (${upcoming} and m.ends_at >= now()) or (not ${upcoming} and m.ends_at < now())
    order by case when ${upcoming} then m.starts_at end asc, m.starts_at desc
    limit 200`;
}
