import { error, fail, redirect } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { signInChoices } from '$lib/server/auth';
import { asUser, claimsFor } from '$lib/server/db';
import { LOCAL_COOKIE, LOCAL_SESSION_SECONDS, localRequestProblem, signSession } from '$lib/server/session';
import type { Actions, PageServerLoad } from './$types';

/** Only same-site paths: never an open redirect. */
function target(url: URL): string {
  const to = url.searchParams.get('redirectTo') ?? '/';
  return to.startsWith('/') && !to.startsWith('//') && !to.startsWith('/\\') ? to : '/';
}

export const load: PageServerLoad = async ({ locals, url, getClientAddress, request }) => {
  const { cfg, sql } = services();
  const redirectTo = target(url);
  if (locals.member) redirect(303, redirectTo);
  if (cfg.clerk) {
    return { mode: 'clerk' as const, redirectTo, hostedSignInUrl: cfg.clerk.signInUrl, outsider: locals.outsider };
  }
  const loopback = !localRequestProblem({ clientAddress: getClientAddress(), headers: request.headers });
  return {
    mode: 'local' as const,
    redirectTo,
    loopback,
    choices: loopback ? await signInChoices(sql) : [],
  };
};

export const actions: Actions = {
  default: async ({ request, cookies, url, getClientAddress }) => {
    const { cfg, sql } = services();
    if (cfg.clerk) error(404, 'The local sign-in is off: this dashboard signs in with Clerk.');
    const problem = localRequestProblem({ clientAddress: getClientAddress(), headers: request.headers });
    if (!cfg.localSignIn) error(404, 'The local sign-in is off.');
    if (problem) error(403, `The local sign-in works only on this machine, directly (this request ${problem}).`);
    const userId = String((await request.formData()).get('user_id') ?? '');
    const choices = await signInChoices(sql);
    if (!choices.some((c) => c.user_id === userId)) {
      return fail(400, { fieldErrors: { user_id: 'Pick a team member from the list.' } });
    }
    await asUser(sql, claimsFor(userId), (tx) => tx`select public.audit_event('session.sign_in')`);
    cookies.set(LOCAL_COOKIE, signSession(cfg.sessionSecret, userId), {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: url.protocol === 'https:',
      maxAge: LOCAL_SESSION_SECONDS,
    });
    redirect(303, target(url));
  },
};
