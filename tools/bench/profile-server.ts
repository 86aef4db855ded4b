/**
 * A second functions server with the V8 inspector open, on the running stack's database and
 * environment, for profiling under the bench's load (see BENCHMARKS.md):
 *   tsx tools/bench/profile-server.ts [--profile dev] [--port 54391] [--inspect 127.0.0.1:9339]
 * Prints one JSON line (functions_url, pid, inspect), then runs until Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { profileFrom, repoRoot, stackLayout } from '../stack/config.ts';
import { functionsEnv } from '../stack/services.ts';
import { urlHealthy, waitFor } from '../stack/proc.ts';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1]! : fallback;
}

const layout = stackLayout(profileFrom(process.argv));
const port = option('port', '54391');
const inspect = option('inspect', '127.0.0.1:9339');
const base = `http://127.0.0.1:${port}/functions/v1`;
const child = spawn(join(repoRoot, 'node_modules/.bin/deno'),
  ['run', '-A', `--inspect=${inspect}`, '--config', 'supabase/functions/deno.json', 'tools/stack/functions-server.ts'],
  { cwd: repoRoot, stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, ...functionsEnv(layout), FUNCTIONS_PORT: port, PUBLIC_FUNCTIONS_URL: base,
      SUPABASE_URL: `http://127.0.0.1:${port}` } });
const stop = () => child.kill('SIGTERM');
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
await waitFor('profiling functions server', () => urlHealthy(`${base}/health`), 60_000);
console.log(JSON.stringify({ functions_url: base, pid: child.pid, inspect }));
await new Promise((resolve) => child.once('exit', resolve));
