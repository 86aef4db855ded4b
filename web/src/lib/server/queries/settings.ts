/** The active agent configuration: read, and admin edits (RLS lets only admins write). */
import type { Tx } from '../db.ts';

import type { AgentConfig as CallConfig, WeeklyHours } from '../../../../../supabase/functions/_shared/brain/types.ts';

export type { WeeklyHours };
export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Day = (typeof DAYS)[number];

/** The agent config the functions read, plus what only the dashboard shows. */
export interface AgentConfig extends CallConfig {
  name: string;
  monthly_budget_usd: number;
  open_now: boolean;
}

/** The active configuration (null when none is active). */
export async function activeConfig(tx: Tx): Promise<AgentConfig | null> {
  const [row] = await tx<AgentConfig[]>`
    select id, name, business_name, greeting, returning_greeting, system_prompt, voice, language, timezone,
           business_hours, array(select to_char(h, 'YYYY-MM-DD') from unnest(holidays) h order by h) as holidays,
           hours_override, providers, provider_settings, turn_deadline_ms, max_silence_prompts, escalation_rules,
           default_transfer_user_id, voice_mode, session_limit_seconds, relay_settings,
           monthly_budget_usd::float8 as monthly_budget_usd,
           public.is_within_business_hours(c) as open_now
    from public.agent_configs c where is_active
  `;
  return row ?? null;
}

/** Columns an admin may change, one group per settings form. */
export type ConfigPatch = Partial<Omit<AgentConfig, 'id' | 'name' | 'open_now'>>;

const JSON_COLUMNS = new Set(['business_hours', 'provider_settings', 'escalation_rules', 'relay_settings']);

/** Apply a patch to the active configuration; false when nothing was updated. */
export async function updateActiveConfig(tx: Tx, patch: ConfigPatch): Promise<boolean> {
  const entries = Object.entries(patch).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return true;
  const values: Record<string, unknown> = {};
  for (const [k, v] of entries) values[k] = JSON_COLUMNS.has(k) ? tx.json(v as never) : v;
  const rows = await tx`update public.agent_configs set ${tx(values)} where is_active returning id`;
  return rows.length === 1;
}
