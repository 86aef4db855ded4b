/**
 * A local stand-in for Mailgun's messages API, speaking what mailgun.js sends:
 * `POST /v3/{domain}/messages`, multipart/form-data, Basic auth `api:{key}`; answers
 * `{ id, message }`. Records every accepted message; `failNext` scripts refusals.
 */

export interface SentMail {
  domain: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  tags: string[];
  vars: Record<string, string>;
}

export interface FakeMailgun {
  readonly url: string;
  readonly key: string;
  readonly sent: SentMail[];
  /** The next `times` requests get this status (Mailgun's plain JSON error). */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

/** Starts the stand-in on 127.0.0.1 (a free port); `key` is the API key it accepts. */
export function startFakeMailgun(key = 'key-test-mailgun'): FakeMailgun {
  const sent: SentMail[] = [];
  const failures: number[] = [];
  let n = 0;
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen: () => {} }, async (req) => {
    const match = /^\/v3\/([^/]+)\/messages$/.exec(new URL(req.url).pathname);
    if (req.method !== 'POST' || !match) return Response.json({ message: 'Not Found' }, { status: 404 });
    if (req.headers.get('authorization') !== `Basic ${btoa(`api:${key}`)}`) {
      return new Response('Forbidden', { status: 401 });
    }
    const status = failures.shift();
    if (status) return Response.json({ message: `fake failure ${status}` }, { status });
    if (!(req.headers.get('content-type') ?? '').startsWith('multipart/form-data')) {
      return Response.json({ message: 'expected multipart/form-data' }, { status: 400 });
    }
    const form = await req.formData();
    const one = (k: string) => String(form.get(k) ?? '');
    if (!one('from') || form.getAll('to').length === 0 || !one('subject') || !(one('text') || one('html'))) {
      return Response.json({ message: "'from', 'to', 'subject' and 'text' or 'html' are required" }, {
        status: 400,
      });
    }
    const vars: Record<string, string> = {};
    for (const [k, v] of form.entries()) if (k.startsWith('v:')) vars[k.slice(2)] = String(v);
    sent.push({
      domain: decodeURIComponent(match[1]),
      from: one('from'),
      to: form.getAll('to').map(String),
      subject: one('subject'),
      text: one('text'),
      tags: form.getAll('o:tag').map(String),
      vars,
    });
    return Response.json({ id: `<fake.${++n}@${match[1]}>`, message: 'Queued. Thank you.' });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    key,
    sent,
    failNext(status, times = 1) {
      for (let i = 0; i < times; i++) failures.push(status);
    },
    close: () => server.shutdown(),
  };
}
