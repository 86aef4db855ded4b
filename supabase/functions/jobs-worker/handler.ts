/**
 * POST /jobs-worker: reaps jobs whose worker died, then drains the queue for up to ~25 s and
 * answers with what it did. Woken on Supabase by pg_cron and a trigger on jobs (through pg_net);
 * the local stack runs the same drain in tools/stack/worker-loop.ts. Only the bearer of the
 * worker token (the service role key, or JOBS_WORKER_TOKEN) may run it.
 */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { errorFields } from '../_shared/runtime/log.ts';
import { createJobDeps } from '../_shared/jobs/deps.ts';
import type { JobDeps } from '../_shared/jobs/context.ts';
import { drain } from '../_shared/jobs/worker.ts';

const BUDGET_MS = 25_000;

/** Constant-time comparison (time depends on the expected token's length only). */
function sameToken(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= (a[i] ?? 0) ^ b[i];
  return diff === 0;
}

/** The handler, with its job dependencies replaceable for tests. */
export function jobsWorkerHandler(deps: JobDeps, opts: { budgetMs?: number } = {}) {
  const worker = `jobs-worker:${crypto.randomUUID().slice(0, 8)}`;
  return async (req: Request): Promise<Response> => {
    if (req.method !== 'POST') return Response.json({ error: 'method not allowed' }, { status: 405 });
    const token = deps.config.workerToken;
    if (!token) return Response.json({ error: 'worker token not configured' }, { status: 503 });
    const given = /^Bearer\s+(.+)$/i.exec(req.headers.get('authorization') ?? '')?.[1] ?? '';
    if (!sameToken(given, token)) return Response.json({ error: 'unauthorized' }, { status: 401 });
    await req.body?.cancel();
    try {
      const reaped = await deps.queue.reap();
      const stats = await drain(deps, { worker, budgetMs: opts.budgetMs ?? BUDGET_MS });
      return Response.json({ reaped, ...stats });
    } catch (err) {
      deps.log.error('jobs worker run failed', errorFields(err));
      return Response.json({ error: 'database unavailable' }, { status: 503 });
    }
  };
}

export const createHandler: HandlerFactory = (rt) => jobsWorkerHandler(createJobDeps(rt));
