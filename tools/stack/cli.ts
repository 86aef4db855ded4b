/**
 * The local stack without Docker:
 *   up      bring Postgres, the functions server and the dashboard up in the background (idempotent)
 *   down    stop them
 *   status  one JSON line: addresses, the local Twilio token, what is up
 *   start   `up`, a demo call through the simulator, then stay in the foreground until Ctrl-C
 * Options: --profile dev|test (default dev), --fresh (up: delete the stack's data first),
 * --wipe (down: delete the stack's data too). Only this clone's stack is touched.
 */
import { relative } from 'node:path';
import { portOffset, profileFrom, repoRoot, stackLayout, type StackLayout } from './config.ts';
import { down, hasDashboard, up } from './cli-lib.ts';
import { formatServicesOff, servicesOff } from './optional-services.ts';
import { readEnvFile } from './secrets.ts';
import { usesLocalTwilioApi } from './services.ts';
import { stackStatus } from './status.ts';
import { demoCaller } from '../sim/demo.ts';

/** The summary: where each part is, how to call it, and which optional services are off. */
async function printWhere(layout: StackLayout): Promise<void> {
  const s = await stackStatus(layout.profile);
  // Calls typed in another terminal must reach this stack's ports and profile too.
  const offset = portOffset();
  const call = (args: string) => {
    const all = [layout.profile !== 'dev' ? `--profile ${layout.profile}` : '', args].filter(Boolean).join(' ');
    return `${offset ? `STACK_PORT_OFFSET=${offset} ` : ''}npm run call${all ? ` -- ${all}` : ''}`;
  };
  const off = servicesOff({ ...process.env, ...readEnvFile() },
    usesLocalTwilioApi() ? `http://127.0.0.1:${layout.twilioApiPort}` : null);
  const demo = demoCaller();
  console.log(`
LegacyAI Voice, local stack (${layout.profile})
  Postgres    ${s.db_url}
  Functions   ${s.functions_url}/<name>   (health: ${s.functions_url}/health)
  Voice URL   ${s.functions_url}/twilio-voice   status callback: ${s.functions_url}/twilio-status
  Dashboard   ${hasDashboard ? s.dashboard_url : '(not built yet)'}
  Logs        ${relative(repoRoot, layout.logDir)}/
  Call it     ${call('')}   (you are the caller, from a fresh number: a new customer)
              ${call(`--from ${demo.number}`)}   (as the demo customer, ${demo.name})
              ${call('--scenario tests/scenarios')}   (every scripted call, checked)
  Read        README.md, docs/architecture.md, supabase/demo-business.md

${formatServicesOff(off)}
`);
}

async function demoCall(layout: StackLayout): Promise<void> {
  const { playDemoCall } = await import('../sim/demo.ts');
  await playDemoCall(layout.profile);
}

/**
 * Waits for Ctrl-C (or SIGTERM), saying when a part of the stack stops answering. Signal
 * listeners alone do not keep Node alive, so the health check's timer does.
 */
function untilInterrupted(layout: StackLayout): Promise<void> {
  return new Promise<void>((resolve) => {
    let last = '';
    const timer = setInterval(async () => {
      const { up: parts } = await stackStatus(layout.profile);
      const down = Object.entries(parts).filter(([, ok]) => !ok).map(([name]) => name).join(', ');
      if (down !== last) console.error(down ? `stack: not answering: ${down}` : 'stack: all parts answering again');
      last = down;
    }, 5000);
    // Ctrl-C reaches this process more than once (from the terminal and relayed by npm and tsx):
    // the listeners stay, so a second signal cannot kill the shutdown half-way.
    const stop = () => {
      clearInterval(timer);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

async function main(): Promise<void> {
  const [command = 'status'] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const layout = stackLayout(profileFrom(process.argv));
  switch (command) {
    case 'up':
      await up(layout, process.argv.includes('--fresh'));
      await printWhere(layout);
      return;
    case 'down':
      await down(layout, process.argv.includes('--wipe'));
      console.error('stack: stopped');
      return;
    case 'status':
      console.log(JSON.stringify(await stackStatus(layout.profile)));
      return;
    case 'start': {
      await up(layout, process.argv.includes('--fresh'));
      await demoCall(layout);
      await printWhere(layout);
      console.log('Running in the foreground. Ctrl-C stops everything.');
      await untilInterrupted(layout);
      await down(layout);
      console.error('stack: stopped');
      return;
    }
    default:
      throw new Error(`unknown command "${command}" (up, down, status, start)`);
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
