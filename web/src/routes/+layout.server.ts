import { frontendApiHost } from '$lib/server/config';
import { services } from '$lib/server/app';
import type { LayoutServerLoad } from './$types';

/** With a Clerk publishable key, pages load clerk-js, which keeps the `__session` cookie fresh. */
export const load: LayoutServerLoad = () => {
  const { clerk } = services().cfg;
  const host = clerk ? frontendApiHost(clerk.publishableKey) : null;
  return {
    clerkJs: clerk && host ? { publishableKey: clerk.publishableKey!, src: `https://${host}/npm/@clerk/clerk-js@5/dist/clerk.browser.js` } : null,
  };
};
