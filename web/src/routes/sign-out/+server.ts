import { redirect } from '@sveltejs/kit';
import { LOCAL_COOKIE } from '$lib/server/session';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = ({ cookies }) => {
  cookies.delete(LOCAL_COOKIE, { path: '/' });
  cookies.delete('__session', { path: '/' });
  redirect(303, '/sign-in');
};
