/** Team members (admins edit; every member reads). */
import type { Tx } from '../db.ts';

export interface TeamMember {
  user_id: string;
  name: string;
  email: string | null;
  phone: string;
  role: 'admin' | 'member';
  topics: string[];
  active: boolean;
}

export function listTeam(tx: Tx): Promise<TeamMember[]> {
  return tx<TeamMember[]>`
    select user_id, name, email, phone, role, topics, active from public.team_members
    order by active desc, role = 'admin' desc, name
  `;
}

/** Add a member, or update the one with this user id. */
export async function saveMember(tx: Tx, m: TeamMember): Promise<void> {
  await tx`
    insert into public.team_members (user_id, name, email, phone, role, topics, active)
    values (${m.user_id}, ${m.name}, ${m.email}, ${m.phone}, ${m.role}, ${m.topics}, ${m.active})
    on conflict (user_id) do update set
      name = excluded.name, email = excluded.email, phone = excluded.phone, role = excluded.role,
      topics = excluded.topics, active = excluded.active
  `;
}

/** How many active admins there would be if this member's role and state changed. */
export async function adminsAfter(tx: Tx, userId: string, role: string, active: boolean): Promise<number> {
  const [row] = await tx<{ n: number }[]>`
    select count(*)::int8 as n from public.team_members
    where active and role = 'admin' and user_id <> ${userId}
  `;
  return row.n + (role === 'admin' && active ? 1 : 0);
}
