/** The demo call `npm start` places once the stack is up: played like any scenario, transcript printed. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from './scenario-file.ts';
import { playScenario } from './scenario.ts';
import { formatResult } from './report.ts';
import { resolveTarget, type StackProfile } from './target.ts';

const demoFile = join(dirname(fileURLToPath(import.meta.url)), 'demo-call.json');

function demoScenario() {
  return parseScenario(JSON.parse(readFileSync(demoFile, 'utf8')));
}

/** The demo customer the demo call creates: the number it calls from and the name it gives. */
export function demoCaller(): { number: string; name: string } {
  const scenario = demoScenario();
  return { number: scenario.caller, name: String(scenario.expect.customer?.name ?? 'the demo customer') };
}

/** Plays the demo call against a running stack and prints what was said; returns whether it passed. */
export async function playDemoCall(profile: StackProfile): Promise<boolean> {
  const target = await resolveTarget(profile);
  const scenario = demoScenario();
  const result = await playScenario(scenario, target, { file: demoFile });
  console.log('\nA demo call through the simulator (as Twilio would place it):');
  console.log(formatResult(result));
  return result.passed;
}
