/** Small process helpers for the stack tools: run a command, wait for a port or a URL. */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { createConnection } from 'node:net';

/** Runs a command to completion; throws with its output when it fails. */
export function run(cmd: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`\`${cmd} ${args.join(' ')}\` exited ${result.status}\n${output}`);
  }
  return String(result.stdout ?? '');
}

/**
 * Whether something accepts TCP connections on 127.0.0.1:port. A refused connection answers at
 * once; the timeout only has to outlast a busy event loop (a slow first fetch in the same tick).
 */
export function portOpen(port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether GET url answers 2xx within the timeout. */
export async function urlHealthy(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** Polls `check` until it is true or the deadline passes. */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms`);
}

/** Whether a process with this pid is alive. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The error for a port this stack needs that something else holds: another clone's stack, or
 * another program. The stack never adopts a process it did not start.
 */
export function portTakenError(port: number, what: string): Error {
  const offset = Number(process.env.STACK_PORT_OFFSET || 0);
  return new Error(`${what}: port ${port} on 127.0.0.1 is in use, and not by this clone's stack ` +
    `(another clone's stack, or another program). Move this clone's ports with STACK_PORT_OFFSET, ` +
    `for example: STACK_PORT_OFFSET=${offset + 200} npm start`);
}
