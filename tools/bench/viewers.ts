/**
 * Dashboard viewers for the bench: N signed-in home pages, each holding the two live streams a
 * browser on the home page holds (transcripts of every live call, and the navigation's figures),
 * read over plain HTTP as EventSource would. Each transcript line's delay is the time from its
 * insert (`created_at`, the database clock, the same machine) to its arrival here. The bench runs
 * them in a child process (`spawnViewers`), as a browser would be: apart from the callers.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { repoRoot } from '../stack/config.ts';
import { percentile, round1 } from './stats.ts';

export interface ViewerFigures {
  viewers: number;
  lines_received: number;
  metrics_events: number;
  live_delay_p50_ms: number | null;
  live_delay_p99_ms: number | null;
  live_delay_max_ms: number | null;
  stream_errors: number;
  /** How late the viewers' own event loop ran (p99): what of the delay is the measuring side's. */
  viewer_loop_delay_p99_ms: number | null;
}

export interface Viewers {
  stop(): ViewerFigures;
}

export interface ViewersProcess {
  stop(): Promise<ViewerFigures>;
}

const noViewers = (): ViewerFigures => ({ viewers: 0, lines_received: 0, metrics_events: 0, live_delay_p50_ms: null,
  live_delay_p99_ms: null, live_delay_max_ms: null, stream_errors: 0, viewer_loop_delay_p99_ms: null });

/** A session cookie from the local sign-in (the dashboard must run without Clerk keys). */
export async function signInLocally(dashboardUrl: string, userId: string): Promise<string> {
  const res = await fetch(`${dashboardUrl}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    // As a browser's form post: SvelteKit answers it with a 303 (a script's post gets JSON).
    headers: { origin: dashboardUrl, accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ user_id: userId }),
  });
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  if (res.status !== 303 || !cookie) throw new Error(`the dashboard's local sign-in refused the bench (HTTP ${res.status}); --viewers needs a dashboard without Clerk keys`);
  return cookie;
}

/** Read one text/event-stream until aborted, calling `onEvent` per event. */
async function readStream(url: string, cookie: string, signal: AbortSignal, onEvent: (event: string, data: string) => void): Promise<void> {
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream' }, signal });
  if (!res.ok || !res.body) throw new Error(`live stream HTTP ${res.status}`);
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) onEvent(event, data.join('\n'));
    }
  }
}

/**
 * Open `count` viewers; resolves once every stream has answered. Like a page rendered with the
 * newest line `afterId`, each stream starts after it (no replay of older lines).
 */
export async function openViewers(dashboardUrl: string, count: number, userId: string, afterId: number): Promise<Viewers> {
  const abort = new AbortController();
  const delays: number[] = [];
  let lines = 0;
  let metrics = 0;
  let errors = 0;
  if (count === 0) return { stop: noViewers };
  const cookie = await signInLocally(dashboardUrl, userId);
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const opened: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    for (const path of [`/live?after=${afterId}`, '/live?scope=nav']) {
      let ready!: () => void;
      opened.push(new Promise<void>((r) => (ready = r)));
      void readStream(`${dashboardUrl}${path}`, cookie, abort.signal, (event, data) => {
        ready();
        if (event === 'metrics') metrics += 1;
        if (event !== 'message') return;
        const line = JSON.parse(data) as { id: number; created_at: string };
        if (line.id <= afterId) return; // a replayed line (the resume margin), not a live one
        lines += 1;
        delays.push(Date.now() - Date.parse(line.created_at));
      }).catch((err) => {
        ready();
        if (!abort.signal.aborted) {
          errors += 1;
          process.stderr.write(`bench: viewer stream failed: ${err instanceof Error ? err.message : err}\n`);
        }
      });
    }
  }
  await Promise.all(opened);
  return {
    stop() {
      abort.abort();
      loopDelay.disable();
      const sorted = [...delays].sort((a, b) => a - b);
      return {
        viewers: count,
        lines_received: lines,
        metrics_events: metrics,
        live_delay_p50_ms: sorted.length ? round1(percentile(sorted, 50)) : null,
        live_delay_p99_ms: sorted.length ? round1(percentile(sorted, 99)) : null,
        live_delay_max_ms: sorted.length ? round1(sorted.at(-1)!) : null,
        stream_errors: errors,
        viewer_loop_delay_p99_ms: round1(loopDelay.percentile(99) / 1e6),
      };
    },
  };
}

/** `openViewers` in a child process (viewers-process.ts); resolves once its streams are open. */
export async function spawnViewers(dashboardUrl: string, count: number, userId: string, afterId: number): Promise<ViewersProcess> {
  if (count === 0) return { stop: async () => noViewers() };
  const child = spawn(join(repoRoot, 'node_modules/.bin/tsx'), ['tools/bench/viewers-process.ts', dashboardUrl, String(count), userId, String(afterId)],
    { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the viewers' process ended (exit ${child.exitCode ?? 'unknown'})`);
    return value;
  };
  if ((await next()) !== 'ready') throw new Error("the viewers' process did not start");
  return {
    async stop() {
      child.stdin!.write('stop\n');
      return JSON.parse(await next()) as ViewerFigures;
    },
  };
}
