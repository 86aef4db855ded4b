/**
 * The bench's dashboard viewers in a process of their own, so that the simulated callers' work
 * (signing, parsing TwiML) does not hold up the viewers' event loop and count as live delay.
 *   tsx tools/bench/viewers-process.ts <dashboard url> <count> <user id> <after id>
 * Prints `ready` once every stream has answered; on `stop` (a line on stdin) prints the figures
 * as one JSON line and exits.
 */
import { createInterface } from 'node:readline';
import { openViewers } from './viewers.ts';

const [dashboardUrl, count, userId, afterId] = process.argv.slice(2);
const viewers = await openViewers(dashboardUrl!, Number(count), userId!, Number(afterId));
process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim() !== 'stop') continue;
  process.stdout.write(`${JSON.stringify(viewers.stop())}\n`);
  process.exit(0);
}
// stdin closed without `stop`: the bench is gone.
process.exit(0);
