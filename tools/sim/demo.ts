/** The demo call `npm start` places once the stack is up: played like any scenario, transcript printed. */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from './scenario-file.ts';
import { playScenario } from './scenario.ts';
import { formatResult } from './report.ts';
import { resolveTarget, type StackProfile } from './target.ts';

const demoFile = join(dirname(fileURLToPath(import.meta.url)), 'demo-call.json');

/** Plays the demo call against a running stack and prints what was said; returns whether it passed. */
export async function playDemoCall(profile: StackProfile): Promise<boolean> {
  const target = await resolveTarget(profile);
  const scenario = parseScenario(JSON.parse(readFileSync(demoFile, 'utf8')));
  const result = await playScenario(scenario, target, { file: demoFile });
  console.log('\nA demo call through the simulator (as Twilio would place it):');
  console.log(formatResult(result));
  return result.passed;
}
