import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';

/** Liveness for the local stack: the server is up (it reaches no database here on purpose). */
export const GET: RequestHandler = () => json({ status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
