/**
 * Cold start: a second functions server, started fresh on a spare port with the stack's
 * environment, and the time of its first /health and its first call (twilio-voice).
 */
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { repoRoot, type StackLayout } from '../stack/config.ts';
import { functionsEnv } from '../stack/services.ts';
import { portOpen } from '../stack/proc.ts';
import { CallSession } from '../sim/call.ts';
import { freePort } from '../upstash-local/redis.ts';
import type { SimTarget } from '../sim/scenario.ts';
import { benchCaller } from './load.ts';
import { round1 } from './stats.ts';

export interface ColdStart {
  /** From spawning the process to its port accepting connections. */
  listen_ms: number;
  /** The first GET /health, once listening (opens the first database connection). */
  first_health_ms: number;
  /** The first call's greeting (twilio-voice) right after. */
  first_voice_ms: number;
  /** From spawning to the first /health answer. */
  spawn_to_health_ms: number;
}

export async function measureColdStart(layout: StackLayout, target: SimTarget, callerIndex: number): Promise<ColdStart> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}/functions/v1`;
  const env = { ...process.env, ...functionsEnv(layout), FUNCTIONS_PORT: String(port), PUBLIC_FUNCTIONS_URL: base,
    SUPABASE_URL: `http://127.0.0.1:${port}` };
  const t0 = performance.now();
  const child = spawn(join(repoRoot, 'node_modules/.bin/deno'),
    ['run', '-A', '--config', 'supabase/functions/deno.json', 'tools/stack/functions-server.ts'],
    { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-2000); });
  try {
    const deadline = t0 + 60_000;
    while (!(await portOpen(port, 100))) {
      if (child.exitCode !== null) throw new Error(`the cold-start functions server exited ${child.exitCode}:\n${stderr}`);
      if (performance.now() > deadline) throw new Error('the cold-start functions server did not listen within 60 s');
      await new Promise((r) => setTimeout(r, 5));
    }
    const listening = performance.now();
    const health = await fetch(`${base}/health`);
    await health.text();
    const healthAt = performance.now();
    if (!health.ok) throw new Error(`cold-start /health answered ${health.status}`);
    const session = new CallSession({ voiceUrl: `${base}/twilio-voice`, statusCallbackUrl: `${base}/twilio-status`,
      authToken: target.authToken, accountSid: target.accountSid, from: benchCaller(callerIndex), to: target.toNumber });
    const greeting = await session.start();
    await session.hangup();
    if (session.ended === 'error') throw new Error(`cold-start call failed: ${session.error}`);
    return {
      listen_ms: round1(listening - t0),
      first_health_ms: round1(healthAt - listening),
      first_voice_ms: greeting.latency_ms,
      spawn_to_health_ms: round1(healthAt - t0),
    };
  } finally {
    child.kill('SIGTERM');
  }
}
