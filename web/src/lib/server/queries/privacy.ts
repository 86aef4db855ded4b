/**
 * Privacy settings and records: retention and recording settings, the do-not-call list, the
 * audit log, data requests (erasure) and a customer's export. Everything runs as the signed-in
 * user; the SQL functions check that only admins erase or export.
 */
import type { Tx } from '../db.ts';

export const RECORDING_MODES = ['off', 'announce', 'ask'] as const;
export const RETENTION_MODES = ['everything', 'no_pii', 'basic'] as const;
export type RecordingMode = (typeof RECORDING_MODES)[number];
export type RetentionMode = (typeof RETENTION_MODES)[number];

export interface PrivacySettings {
  ai_disclosure: boolean;
  recording_mode: RecordingMode;
  retention_mode: RetentionMode;
  retention_days: number;
  last_run: { ran_at: Date; removed: Record<string, number> } | null;
}

export async function privacySettings(tx: Tx): Promise<PrivacySettings> {
  const [row] = await tx<PrivacySettings[]>`
    select a.ai_disclosure, a.recording_mode, s.retention_mode, s.retention_days,
           (select jsonb_build_object('ran_at', r.ran_at, 'removed', r.removed) from public.retention_runs r
            order by r.ran_at desc limit 1) as last_run
    from public.automation_settings s left join public.agent_configs a on a.is_active`;
  return row;
}

export async function updatePrivacySettings(tx: Tx, p: Omit<PrivacySettings, 'last_run'>): Promise<void> {
  await tx`update public.agent_configs set ai_disclosure = ${p.ai_disclosure}, recording_mode = ${p.recording_mode}
    where is_active`;
  await tx`update public.automation_settings set retention_mode = ${p.retention_mode}, retention_days = ${p.retention_days}`;
}

export interface DoNotCallEntry {
  phone_key: string;
  phone_number: string | null;
  source: 'team' | 'caller';
  reason: string | null;
  added_by: string | null;
  created_at: Date;
}

export const listDoNotCall = (tx: Tx) => tx<DoNotCallEntry[]>`
  select phone_key, phone_number, source, reason, added_by, created_at from public.do_not_call
  order by created_at desc limit 500`;

export async function addDoNotCall(tx: Tx, phone: string, reason: string | null): Promise<boolean> {
  const [{ added }] = await tx<{ added: boolean }[]>`select public.add_do_not_call(${phone}, 'team', ${reason}) as added`;
  return added;
}

/** Only numbers the team added can be taken off (RLS keeps a caller's own request). */
export async function removeDoNotCall(tx: Tx, phoneKey: string): Promise<boolean> {
  return (await tx`delete from public.do_not_call where phone_key = ${phoneKey} returning 1`).length === 1;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  actor_name: string | null;
  action: string;
  target_table: string | null;
  target_id: string | null;
  detail: Record<string, unknown>;
}

export const auditEntries = (tx: Tx, limit = 200) => tx<AuditEntry[]>`
  select l.id, l.at, l.actor, t.name as actor_name, l.action, l.target_table, l.target_id, l.detail
  from public.audit_log l left join public.team_members t on t.user_id = l.actor
  order by l.id desc limit ${limit}`;

export interface DataRequest {
  id: string;
  kind: string;
  status: 'pending' | 'completed' | 'rejected';
  customer_id: string | null;
  customer_name: string | null;
  phone_number: string | null;
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  result: Record<string, unknown> | null;
}

export const dataRequests = (tx: Tx) => tx<DataRequest[]>`
  select r.id, r.kind, r.status, r.customer_id, c.name as customer_name, c.phone_number, r.created_at, r.decided_at,
         r.decided_by, r.result
  from public.data_requests r left join public.customers c on c.id = r.customer_id
  order by r.status = 'pending' desc, r.created_at desc limit 200`;

export async function decideDataRequest(tx: Tx, id: string, approve: boolean): Promise<Record<string, unknown>> {
  const [{ r }] = await tx<{ r: Record<string, unknown> }[]>`select public.decide_data_request(${id}::uuid, ${approve}) as r`;
  return r;
}

/** Everything held about the customer with this id or phone number; null when there is none. */
export async function exportCustomer(tx: Tx, by: { id?: string; phone?: string }): Promise<unknown | null> {
  const [found] = by.id
    ? await tx<{ id: string }[]>`select id from public.customers where id = ${by.id}::uuid`
    : await tx<{ id: string }[]>`select id from public.customers where phone_number = ${by.phone ?? ''}`;
  if (!found) return null;
  const [{ doc }] = await tx<{ doc: unknown }[]>`select public.export_customer(${found.id}::uuid) as doc`;
  return doc;
}
