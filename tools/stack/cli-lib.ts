/** Bringing a local stack up and down; used by the stack CLI and the test runner. */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, type StackLayout } from './config.ts';
import { migrate, removeCluster, startPostgres, stopPostgres } from './postgres.ts';
import { startDashboard, startFunctions, startWorker, stopService } from './services.ts';
import { stackStatus } from './status.ts';

export const hasDashboard = existsSync(join(repoRoot, 'web', 'svelte.config.js'));

async function step<T>(what: string, fn: () => Promise<T> | T): Promise<T> {
  const started = Date.now();
  process.stderr.write(`stack: ${what} ... `);
  try {
    const result = await fn();
    process.stderr.write(`ok (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return result;
  } catch (err) {
    process.stderr.write('failed\n');
    throw err;
  }
}

/** Brings the stack up; when every part already answers it returns at once. */
export async function up(layout: StackLayout, fresh = false): Promise<void> {
  if (fresh) await down(layout, true);
  const s = await stackStatus(layout.profile);
  if (s.up.postgres && s.up.functions && s.up.worker && (s.up.dashboard || !hasDashboard)) {
    process.stderr.write('stack: already up\n');
    return;
  }
  await step(`postgres on 127.0.0.1:${layout.pgPort}`, () => startPostgres(layout));
  await step('bootstrap, migrations and seed (supabase db push)', () => migrate(layout));
  await step(`functions on ${layout.functionsUrl}`, () => startFunctions(layout));
  await step('jobs worker', () => startWorker(layout));
  if (hasDashboard) await step(`dashboard on ${layout.dashboardUrl}`, () => startDashboard(layout));
}

/** Stops every part of this clone's stack; `wipe` also deletes its data. Other clones' stacks are not touched. */
export async function down(layout: StackLayout, wipe = false): Promise<void> {
  await stopService(layout, 'dashboard');
  await stopService(layout, 'worker');
  await stopService(layout, 'twilio-api');
  await stopService(layout, 'realtime-api');
  await stopService(layout, 'functions');
  stopPostgres(layout);
  if (!wipe) return;
  // The cluster may live outside the clone (config.ts: clusterHome); it goes too.
  removeCluster(layout);
  rmSync(layout.dir, { recursive: true, force: true });
}

