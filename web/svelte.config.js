import adapter from '@sveltejs/adapter-node';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter({ out: 'build' }),
    // Form posts must come from the dashboard's own origin (ORIGIN at run time).
    csrf: { checkOrigin: true },
  },
};
