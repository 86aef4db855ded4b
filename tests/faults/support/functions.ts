/**
 * Deno processes for one test file, with the test stack's environment plus overrides (another
 * database, a fake LLM vendor, Upstash, a CRM receiver): a second functions server on a spare
 * port, or the local jobs worker loop. Each is stopped (or killed) by its own pid.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, stackLayout } from '../../../tools/stack/config.ts';
import { functionsEnv } from '../../../tools/stack/services.ts';
import { urlHealthy } from '../../../tools/stack/proc.ts';
import { freePort } from '../../../tools/upstash-local/redis.ts';

export interface DenoProcess {
  pid: number;
  /** The process's output so far (JSON log lines). */
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL: the process dies at once, mid-request (what an out-of-memory kill or a crash does). */
  kill(): Promise<void>;
}

export interface FunctionsServer extends DenoProcess {
  base: string;
}

function startDeno(script: string, env: Record<string, string>): DenoProcess & { exited: () => boolean } {
  const child = spawn(join(repoRoot, 'node_modules/.bin/deno'), ['run', '-A', '--config', 'supabase/functions/deno.json', script],
    { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => { output = (output + chunk.toString()).slice(-50_000); };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    pid: child.pid!,
    output: () => output,
    exited: gone,
    async stop() {
      if (gone()) return;
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (!gone()) child.kill('SIGKILL');
    },
    async kill() {
      if (gone()) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

async function waitUntil(p: ReturnType<typeof startDeno>, what: string, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await ready())) {
    if (p.exited()) throw new Error(`${what} exited:\n${p.output().slice(-3000)}`);
    if (Date.now() > deadline) {
      await p.stop();
      throw new Error(`${what} not ready within 60 s:\n${p.output().slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The test stack's function environment (STACK_PROFILE's, which npm test sets), with these overrides. */
function testEnv(overrides: Record<string, string>): Record<string, string> {
  const profile = process.env.STACK_PROFILE === 'dev' ? 'dev' : 'test';
  return { ...functionsEnv(stackLayout(profile)), ...overrides };
}

export async function startFunctionsServer(overrides: Record<string, string> = {}): Promise<FunctionsServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/functions/v1`;
  const p = startDeno('tools/stack/functions-server.ts', testEnv({ FUNCTIONS_PORT: String(port), PUBLIC_FUNCTIONS_URL: base,
    SUPABASE_URL: `http://127.0.0.1:${port}`, ...overrides }));
  await waitUntil(p, 'functions server', () => urlHealthy(`${base}/health`, 1000));
  return { ...p, base };
}

/** The local jobs worker loop (tools/stack/worker-loop.ts), once it has started listening. */
export async function startWorkerLoop(overrides: Record<string, string> = {}): Promise<DenoProcess> {
  const p = startDeno('tools/stack/worker-loop.ts', testEnv(overrides));
  await waitUntil(p, 'worker loop', () => Promise.resolve(p.output().includes('worker loop started')));
  return p;
}
