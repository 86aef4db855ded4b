/**
 * Lists of calls follow the live feed: when a call starts, ends or changes, the page's data is
 * loaded again (no page reload; at most once a second, so a burst of calls costs one reload).
 */
import { invalidate } from '$app/navigation';
import { navLive } from './nav-live.svelte';

export const CALLS_DEPENDENCY = 'app:calls';
const MIN_GAP_MS = 1000;

export function refreshOnCallEvents(): void {
  let seen = navLive.callEvents;
  let last = 0;
  let pending: ReturnType<typeof setTimeout> | null = null;
  $effect(() => {
    const n = navLive.callEvents;
    if (n === seen) return;
    seen = n;
    if (pending) return;
    const wait = Math.max(0, last + MIN_GAP_MS - Date.now());
    pending = setTimeout(() => {
      pending = null;
      last = Date.now();
      void invalidate(CALLS_DEPENDENCY);
    }, wait);
  });
  $effect(() => () => {
    if (pending) clearTimeout(pending);
  });
}
