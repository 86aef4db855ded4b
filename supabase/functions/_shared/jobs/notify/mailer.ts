/** Email out: an interface, and the Mailgun implementation through mailgun.js. */
import Mailgun from 'mailgun.js';
import type { MailgunConfig } from '../config.ts';
import { PermanentJobError, TransientJobError } from '../errors.ts';

export interface Email {
  to: string[];
  subject: string;
  text: string;
  /** Mailgun tags (the notification kind), for the team's own filtering. */
  tags?: string[];
  /** Kept with the message at Mailgun, so a resent notification can be traced. */
  notificationId?: string;
  /** Files sent with the message (an ICS invite). */
  attachments?: { filename: string; contentType: string; data: string }[];
}

export interface Mailer {
  send(email: Email): Promise<{ id: string }>;
}

/** A status from Mailgun: 429 and 5xx may pass; any other refusal will not. */
function mailError(err: unknown): Error {
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number') {
    return status === 429 || status >= 500
      ? new TransientJobError(`mailgun refused the message (status ${status})`)
      : new PermanentJobError(`mailgun refused the message (status ${status})`);
  }
  return new TransientJobError(`mailgun unreachable (${(err as Error)?.name ?? 'error'})`);
}

/** Sends through Mailgun's messages API: POST {url}/v3/{domain}/messages, Basic auth. */
export function mailgunMailer(config: MailgunConfig): Mailer {
  // A request timeout inside the job's own: a hung Mailgun is abandoned, not raced by a retry.
  const client = new Mailgun(FormData).client({ username: 'api', key: config.apiKey, url: config.url,
    timeout: 15_000 } as Parameters<InstanceType<typeof Mailgun>['client']>[0]);
  return {
    async send(email) {
      try {
        const res = await client.messages.create(config.domain, {
          from: config.from,
          to: email.to,
          subject: email.subject,
          text: email.text,
          ...(email.tags?.length ? { 'o:tag': email.tags } : {}),
          ...(email.notificationId ? { 'v:notification_id': email.notificationId } : {}),
          ...(email.attachments?.length
            ? { attachment: email.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType,
              data: a.data })) }
            : {}),
        });
        if (!res.id) throw new TransientJobError('mailgun answered without a message id');
        return { id: res.id };
      } catch (err) {
        if (err instanceof TransientJobError || err instanceof PermanentJobError) throw err;
        throw mailError(err);
      }
    },
  };
}
