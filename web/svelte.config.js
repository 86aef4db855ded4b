import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter({ out: 'build' }),
    // Form posts must come from the dashboard's own origin (ORIGIN at run time).
    csrf: { checkOrigin: true },
    // SvelteKit puts a per-response nonce on its own scripts; no other inline script runs. The
    // Clerk hosts (known only at run time) are added by the hook (web/src/lib/server/csp.ts).
    // Styles: Svelte writes style attributes, which only 'unsafe-inline' allows.
    csp: {
      mode: 'nonce',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        'connect-src': ['self'],
        'frame-src': ['none'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
