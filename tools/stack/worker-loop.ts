/**
 * The local stack's jobs worker: the same drain the jobs-worker Edge Function runs, in a loop.
 * It drains the queue, then waits for a NOTIFY on the `jobs` channel (sent when a job is queued)
 * or one second (for retries and snoozed jobs coming due), and drains again. SIGTERM or SIGINT
 * finishes the jobs in hand and exits.
 *
 *   deno run -A --config supabase/functions/deno.json tools/stack/worker-loop.ts [--once]
 *
 * Environment: the functions server's (SUPABASE_DB_URL, TWILIO_AUTH_TOKEN, PUBLIC_FUNCTIONS_URL,
 * TWILIO_ACCOUNT_SID, TWILIO_PHONE_NUMBER, provider keys), plus the optional MAILGUN_API_KEY,
 * MAILGUN_DOMAIN, MAILGUN_URL, CRM_WEBHOOK_URL, CRM_WEBHOOK_SECRET, TWILIO_API_BASE_URL.
 * LISTEN needs a direct or session-mode connection, never the transaction pooler.
 */
import { productionRuntime } from '../../supabase/functions/_shared/runtime/serve.ts';
import { errorFields } from '../../supabase/functions/_shared/runtime/log.ts';
import { createJobDeps } from '../../supabase/functions/_shared/jobs/deps.ts';
import { drain } from '../../supabase/functions/_shared/jobs/worker.ts';

const IDLE_WAIT_MS = 1000;
const REAP_EVERY_MS = 60_000;

const rt = productionRuntime(Deno.env.toObject());
const deps = createJobDeps(rt);
const worker = `worker-loop:${Deno.hostname()}:${Deno.pid}`;
const stop = new AbortController();
for (const signal of ['SIGTERM', 'SIGINT'] as const) Deno.addSignalListener(signal, () => stop.abort());

let nudged = false;
let wake = () => {};
const listener = await rt.sql.listen('jobs', () => {
  nudged = true;
  wake();
});

/** Resolves after `ms`, on a NOTIFY, or on stop, whichever comes first. */
function idle(ms: number): Promise<void> {
  if (nudged || stop.signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    stop.signal.addEventListener('abort', done, { once: true });
    wake = done;
    function done() {
      clearTimeout(timer);
      wake = () => {};
      resolve();
    }
  });
}

rt.log.info('worker loop started', { worker });
let lastReap = 0;
while (!stop.signal.aborted) {
  nudged = false;
  let busy = false;
  try {
    if (Date.now() - lastReap > REAP_EVERY_MS) {
      const reaped = await deps.queue.reap();
      if (reaped) rt.log.warn('stuck jobs reaped', { reaped });
      lastReap = Date.now();
    }
    const stats = await drain(deps, { worker, budgetMs: 10_000, signal: stop.signal });
    busy = stats.claimed > 0;
    if (busy) rt.log.info('queue drained', { ...stats });
  } catch (err) {
    rt.log.error('worker loop pass failed', errorFields(err));
  }
  if (Deno.args.includes('--once')) break;
  // After work, look again at once (more may have come due); when idle, wait for a NOTIFY or 1 s.
  if (!busy) await idle(IDLE_WAIT_MS);
}

await listener.unlisten().catch(() => {});
await rt.sql.end({ timeout: 5 });
rt.log.info('worker loop stopped', { worker });
