/**
 * What the browser tests need: Debian's Chromium through playwright-core, a dashboard server of
 * their own when they need one (built from web/ if the build is stale), and where artifacts go.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const screenshotDir = join(repoRoot, 'test-artifacts', 'screenshots');

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export function artifactPath(name: string): string {
  mkdirSync(screenshotDir, { recursive: true });
  return join(screenshotDir, name);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Build web/ when web/build is missing or older than web/src (what the stack does too). */
export function ensureBuilt(): void {
  const web = join(repoRoot, 'web');
  const built = join(web, 'build', 'index.js');
  if (existsSync(built) && statSync(built).mtimeMs >= newestMtime(join(web, 'src'))) return;
  const r = spawnSync(join(repoRoot, 'node_modules/.bin/vite'), ['build'], { cwd: web, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stdout}\n${r.stderr}`);
}

/** A free loopback port outside the stack's ranges. */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const srv = createServer();
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as { port: number }).port;
        srv.close(() => resolve(p));
      });
    });
    if (!((port >= 54321 && port <= 54330) || (port >= 54421 && port <= 54430))) return port;
  }
}

export interface Dashboard {
  url: string;
  logs: string[];
  stop(): Promise<void>;
}

/** Start `node web/build/index.js` with this environment and wait for /healthz. */
export async function startDashboard(env: Record<string, string>): Promise<Dashboard> {
  ensureBuilt();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const logs: string[] = [];
  const child: ChildProcess = spawn(process.execPath, [join(repoRoot, 'web/build/index.js')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', ORIGIN: url, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => logs.push(String(d)));
  child.stderr!.on('data', (d) => logs.push(String(d)));
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`dashboard exited (${child.exitCode}):\n${logs.join('')}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return { url, logs, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`dashboard did not answer /healthz in 20 s:\n${logs.join('')}`);
}

/** Whether a running dashboard offers the local sign-in (it does when started without Clerk keys). */
export async function offersLocalSignIn(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/sign-in`);
    return res.ok && (await res.text()).includes('Local sign-in');
  } catch {
    return false;
  }
}

/**
 * The dashboard under test: TEST_DASHBOARD_URL when it runs with the local sign-in, otherwise
 * one started here against TEST_DB_URL.
 */
export async function dashboardUnderTest(dbUrl: string): Promise<Dashboard> {
  const given = process.env.TEST_DASHBOARD_URL;
  if (given && (await offersLocalSignIn(given))) return { url: given.replace(/\/+$/, ''), logs: [], stop: async () => {} };
  return startDashboard({ DATABASE_URL: dbUrl, DASHBOARD_LOCAL_SIGN_IN: '1', ...(process.env.TEST_FUNCTIONS_URL ? { FUNCTIONS_URL: process.env.TEST_FUNCTIONS_URL } : {}) });
}

export interface TcpProxy {
  url: string;
  /** Cut every open connection (what a flaky network does to a live stream). */
  dropAll(): void;
  /** While blocked, new connections are cut at once. */
  block(on: boolean): void;
  close(): Promise<void>;
}

/** A loopback TCP proxy in front of a server, to cut its connections on demand. */
export async function tcpProxy(targetUrl: string): Promise<TcpProxy> {
  const { Socket } = await import('node:net');
  const target = new URL(targetUrl);
  const sockets = new Set<import('node:net').Socket>();
  let blocked = false;
  const server = createServer((client) => {
    if (blocked) return void client.destroy();
    const upstream = new Socket();
    upstream.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}`,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    block: (on) => {
      blocked = on;
    },
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
