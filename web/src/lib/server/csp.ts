/**
 * The Content-Security-Policy's run-time part. SvelteKit writes the policy (svelte.config.js,
 * with a nonce per response); with Clerk, its Frontend API host serves clerk-js and answers its
 * calls, and Cloudflare's challenge frame guards the sign-in, so those hosts are added here.
 */
import type { ClerkConfig } from './config.ts';
import { frontendApiHost } from './config.ts';

/** Extra sources per directive for this configuration (none without Clerk). */
export function cspAdditions(clerk: ClerkConfig | null): Record<string, string[]> {
  const host = clerk ? frontendApiHost(clerk.publishableKey) : null;
  if (!host) return {};
  const api = `https://${host}`;
  const challenge = 'https://challenges.cloudflare.com';
  return {
    'script-src': [api, challenge],
    'connect-src': [api],
    'img-src': ['https://img.clerk.com'],
    'frame-src': [challenge],
    'worker-src': ['self', 'blob:'],
  };
}

/** The policy with the additions merged in (a directive set to 'none' is replaced). */
export function withAdditions(policy: string, additions: Record<string, string[]>): string {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) directives.set(name, values);
  }
  for (const [name, extra] of Object.entries(additions)) {
    const current = (directives.get(name) ?? []).filter((v) => v !== "'none'");
    const quoted = extra.map((v) => (v === 'self' ? "'self'" : v));
    directives.set(name, [...new Set([...current, ...quoted])]);
  }
  return [...directives].map(([name, values]) => [name, ...values].join(' ')).join('; ');
}
