import { env } from '$env/dynamic/private';
import { redirect, type Handle, type ServerInit } from '@sveltejs/kit';
import { sequence } from '@sveltejs/kit/hooks';
import { services, startServices } from '$lib/server/app';
import { identify, memberFor } from '$lib/server/auth';
import { auditClerkSignIn } from '$lib/server/sign-ins';
import { cspAdditions, withAdditions } from '$lib/server/csp';

export const init: ServerInit = async () => {
  await startServices(env);
};

/** Paths anyone may reach: health, sign-in and sign-out, and the built assets. */
const isPublic = (path: string) =>
  path === '/healthz' || path === '/sign-in' || path === '/sign-out' || path.startsWith('/_app/');

const authenticate: Handle = async ({ event, resolve }) => {
  event.locals.member = null;
  event.locals.outsider = null;
  if (event.url.pathname === '/healthz' || event.url.pathname.startsWith('/_app/')) return resolve(event);
  const { cfg, sql } = services();
  const claims = await identify(
    {
      clientAddress: event.getClientAddress(),
      headers: event.request.headers,
      authorization: event.request.headers.get('authorization'),
      cookie: (name) => event.cookies.get(name),
    },
    cfg,
  );
  if (claims) {
    event.locals.member = await memberFor(sql, claims);
    if (!event.locals.member) event.locals.outsider = claims.sub;
    else if (cfg.clerk) await auditClerkSignIn(sql, claims);
  }
  return resolve(event);
};

/**
 * Visitors are sent to sign in; signed-in non-members get a 403. Page navigations (and their
 * data requests) go on to the app layout, which renders the sign-in redirect or the 403 page.
 */
const guard: Handle = async ({ event, resolve }) => {
  const { pathname, search } = event.url;
  if (isPublic(pathname) || event.locals.member) return resolve(event);
  const wantsHtml = (event.request.headers.get('accept') ?? '').includes('text/html');
  const navigation = event.request.method === 'GET' && (wantsHtml || event.isDataRequest);
  if (event.locals.outsider) {
    return navigation ? resolve(event) : new Response('Forbidden: not a member of this team', { status: 403 });
  }
  if (event.isDataRequest) return resolve(event);
  if (navigation) redirect(303, `/sign-in?redirectTo=${encodeURIComponent(pathname + search)}`);
  return new Response('Unauthorized: sign in first', { status: 401 });
};

const headers: Handle = async ({ event, resolve }) => {
  const response = await resolve(event);
  const policy = response.headers.get('content-security-policy');
  const additions = cspAdditions(services().cfg.clerk);
  if (policy && Object.keys(additions).length) {
    response.headers.set('content-security-policy', withAdditions(policy, additions));
  }
  response.headers.set('x-content-type-options', 'nosniff');
  response.headers.set('referrer-policy', 'same-origin');
  if (!response.headers.has('x-frame-options')) response.headers.set('x-frame-options', 'DENY');
  return response;
};

export const handle = sequence(headers, authenticate, guard);
