/** Access checks for loads, actions and endpoints (the hook has already identified the caller). */
import { error } from '@sveltejs/kit';
import type { Member } from './auth.ts';

/** The signed-in member, or a 401/403 error. */
export function requireMember(locals: App.Locals): Member {
  if (locals.member) return locals.member;
  if (locals.outsider) error(403, 'You are signed in, but not as a member of this team.');
  error(401, 'Sign in to see the dashboard.');
}

/** The signed-in admin, or a 403 error. */
export function requireAdmin(locals: App.Locals): Member {
  const member = requireMember(locals);
  if (member.role !== 'admin') error(403, 'Only the team’s admins can change settings.');
  return member;
}
