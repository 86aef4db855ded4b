import { error } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { requireMember } from '$lib/server/guard';
import { formatSse, type Subscription } from '$lib/server/live';
import type { RequestHandler } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEARTBEAT_MS = 15_000;

/**
 * Server-Sent Events: live calls (`snapshot`, `call`), transcript lines (`message`, with the
 * message id as event id) and, for `?scope=nav`, the tiles' and badges' figures (`metrics`).
 * A reconnecting EventSource sends Last-Event-ID and gets what it
 * missed; a fresh one says where its page left off with `?after=`.
 */
export const GET: RequestHandler = async ({ locals, request, url }) => {
  const member = requireMember(locals);
  const conversation = url.searchParams.get('conversation');
  if (conversation && !uuid.test(conversation)) error(400, 'conversation must be a call id');
  // `scope=nav`: the navigation's stream, figures and call events only (no transcript lines).
  const scope = url.searchParams.get('scope');
  if (scope !== null && scope !== 'nav') error(400, 'scope must be nav');
  if (scope === 'nav' && conversation) error(400, 'a call’s stream has no nav scope');
  const resume = request.headers.get('last-event-id') ?? url.searchParams.get('after') ?? '0';
  const lastId = /^\d{1,15}$/.test(resume) ? Number(resume) : 0;

  const { live } = services();
  const encoder = new TextEncoder();
  let unsubscribe: (() => void) | null = null;
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let expiry: ReturnType<typeof setTimeout> | undefined;
  let closed = false;

  const close = () => {
    closed = true;
    clearInterval(heartbeat);
    clearTimeout(expiry);
    unsubscribe?.();
  };

  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      // The hub sends a poll's lines one after another in one go: they leave as one chunk (one
      // socket write instead of one per line), flushed once the hub's synchronous loop is done.
      let pending = '';
      const flush = () => {
        const chunk = pending;
        pending = '';
        if (closed || !chunk) return;
        try {
          controller.enqueue(encoder.encode(chunk));
        } catch {
          close();
        }
      };
      const write = (chunk: string) => {
        if (closed) return;
        if (!pending) queueMicrotask(flush);
        pending += chunk;
      };
      write('retry: 1000\n\n');
      const sub: Subscription = {
        claims: member.claims,
        conversationId: conversation,
        lastId,
        transcripts: scope !== 'nav',
        metrics: scope === 'nav',
        send: (event, data, id) => write(formatSse(event, data, id)),
        close: () => {
          flush();
          close();
          try {
            controller.close();
          } catch {
            // already closed by the client
          }
        },
      };
      heartbeat = setInterval(() => write(': ping\n\n'), HEARTBEAT_MS);
      // The stream lives no longer than the session that opened it (a Clerk token's or the local
      // cookie's exp): the browser reconnects, and the reconnection is signed in afresh or refused.
      const exp = Number(member.claims.exp);
      if (Number.isFinite(exp)) expiry = setTimeout(() => sub.close?.(), Math.max(0, exp * 1000 - Date.now()));
      request.signal.addEventListener('abort', close);
      try {
        unsubscribe = await live.subscribe(sub);
        if (closed) unsubscribe();
      } catch (err) {
        console.error(JSON.stringify({ msg: 'live subscribe failed', error: String(err) }));
        close();
        controller.close();
      }
    },
    cancel: close,
  });

  return new Response(stream, {
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    },
  });
};
