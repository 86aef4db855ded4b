/**
 * The bench's Postgres restart, run as its own process so that pg_ctl's waits (synchronous in
 * tools/stack/postgres.ts) do not stall the bench's callers and skew their timings.
 *   tsx tools/bench/fault.ts --profile dev|test --fault-at-s S --fault-down-s S
 * Prints one JSON line: when Postgres was stopped and started again (epoch ms).
 */
import { profileFrom, stackLayout } from '../stack/config.ts';
import { startPostgres, stopPostgres } from '../stack/postgres.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i < 0 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} needs a number`);
  return value;
}

const layout = stackLayout(profileFrom(process.argv));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const startedAt = Date.now();
await sleep(Math.max(0, option('fault-at-s', 5) * 1000 - (Date.now() - startedAt)));
const stoppedAt = Date.now();
stopPostgres(layout);
await sleep(option('fault-down-s', 3) * 1000);
await startPostgres(layout);
console.log(JSON.stringify({ stopped_at: stoppedAt, started_at: Date.now() }));
