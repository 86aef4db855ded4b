import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The jobs page moved under System (internals are no salesperson's daily page). */
export const load: PageServerLoad = () => redirect(308, '/system');
