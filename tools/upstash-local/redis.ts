/**
 * A throw-away `redis-server` (Debian's package) on a port of its own, data in a folder under
 * /tmp, nothing saved to disk. Never the default port 6379, which a system Redis may use.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const REDIS_SERVER = '/usr/bin/redis-server';

export interface RunningRedis {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** Whether Debian's redis-server is installed (`apt-get install -y redis-server`). */
export function redisInstalled(): boolean {
  return existsSync(REDIS_SERVER);
}

/** A TCP port that was free a moment ago (the kernel's pick). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function waitForReady(child: ChildProcess, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`redis-server on ${port} not ready after 10 s:\n${output}`)), 10_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Ready to accept connections/.test(output)) {
        clearTimeout(timer);
        child.stdout?.removeListener('data', onData);
        child.stdout?.resume();
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited ${code} during start-up:\n${output}`));
    });
  });
}

/** Starts redis-server on `port` (a free one by default); stop() ends it and removes its folder. */
export async function startRedis(port?: number): Promise<RunningRedis> {
  if (!redisInstalled()) throw new Error(`${REDIS_SERVER} is missing: apt-get install -y redis-server`);
  const chosen = port ?? (await freePort());
  if (chosen === 6379) throw new Error('refusing port 6379: it belongs to a system Redis');
  const dir = mkdtempSync(join(tmpdir(), 'upstash-local-redis-'));
  const child = spawn(REDIS_SERVER, ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no',
    '--dir', dir, '--daemonize', 'no', '--loglevel', 'notice'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await waitForReady(child, chosen);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    port: chosen,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
