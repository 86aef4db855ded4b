/**
 * The `meeting_invite` job, for meetings booked without a calendar service: an ICS invitation by
 * email to the caller (and the team member), sent once. Without Mailgun, or without the caller's
 * email, nothing is sent and the result says why (the meeting is on the dashboard either way).
 */
import type { JobHandler } from '../context.ts';
import { PermanentJobError } from '../errors.ts';
import { meetingIcs } from '../../meetings/ics.ts';
import { sayTime } from '../../meetings/slots.ts';

type Context = {
  meeting: { id: string; title: string; starts_at: string; ends_at: string; status: string; attendee_name: string | null;
    attendee_email: string | null; invite_sent_at: string | null };
  member: { name: string; email: string | null } | null;
  business: { name: string; timezone: string } | null;
};

export const meetingInvite: JobHandler = async (job, deps) => {
  const id = String(job.payload.meeting_id ?? '');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new PermanentJobError('payload has no meeting_id');
  const [{ ctx }] = await deps.sql<{ ctx: Context | null }[]>`select public.meeting_invite_context(${id}::uuid) as ctx`;
  if (!ctx) throw new PermanentJobError('unknown meeting');
  const m = ctx.meeting;
  if (m.status !== 'confirmed') return { sent: false, reason: 'meeting cancelled' };
  if (m.invite_sent_at) return { sent: false, reason: 'already sent' };
  if (!m.attendee_email) return { sent: false, reason: 'no attendee email' };
  if (!deps.mailer || !deps.config.mailgun) return { sent: false, reason: 'email not configured' };
  const tz = ctx.business?.timezone ?? 'UTC';
  const organizer = { name: ctx.member?.name ?? ctx.business?.name ?? 'LegacyAI', email: ctx.member?.email ??
    deps.config.mailgun.from.replace(/^.*<|>$/g, '') };
  const ics = meetingIcs({ uid: `${m.id}@legacyai-voice`, start: new Date(m.starts_at), end: new Date(m.ends_at),
    title: m.title, organizer, attendee: { name: m.attendee_name, email: m.attendee_email } });
  const when = sayTime(new Date(m.starts_at), tz);
  await deps.mailer.send({
    to: [m.attendee_email, ...(ctx.member?.email ? [ctx.member.email] : [])],
    subject: `Invitation: ${m.title}`,
    text: `Your meeting with ${organizer.name} is booked for ${when} (${tz}).\n\nThe invitation is attached.`,
    tags: ['meeting_invite'],
    attachments: [{ filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST', data: ics }],
  });
  await deps.sql`update public.meetings set invite_sent_at = now() where id = ${id}::uuid and invite_sent_at is null`;
  return { sent: true };
};
