/**
 * The navigation's live stream (`/live?scope=nav`), one per open page: the home tiles' and the
 * badges' figures, and a count of call events that lists of calls use to refresh themselves.
 * Every page reads the same instance, so a page never opens a second stream for figures.
 */
import type { LiveCall, LiveMetrics } from './types';

class NavLive {
  metrics: LiveMetrics | null = $state(null);
  /** Bumped on each call start, end or change: a page that lists calls reloads its data. */
  callEvents = $state(0);
  lastCall: LiveCall | null = $state(null);
  connected = $state(false);
  private source: EventSource | null = null;

  start(): void {
    if (this.source) return;
    const source = new EventSource('/live?scope=nav');
    this.source = source;
    source.onopen = () => (this.connected = true);
    source.onerror = () => (this.connected = false);
    source.addEventListener('metrics', (e) => (this.metrics = JSON.parse((e as MessageEvent).data)));
    source.addEventListener('call', (e) => {
      this.lastCall = JSON.parse((e as MessageEvent).data).call;
      this.callEvents += 1;
    });
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    this.connected = false;
  }
}

export const navLive = new NavLive();
