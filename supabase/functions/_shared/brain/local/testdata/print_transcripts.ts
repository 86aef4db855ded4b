/**
 * Prints the local engine's transcript of scenario files, for reading what the agent says:
 *   deno run -A _shared/brain/local/testdata/print_transcripts.ts ../../tests/scenarios/*.json
 * NOW=2026-11-27T22:50:00Z sets the clock.
 */
import { createLocalBrain } from '../engine.ts';
import { playScenario } from './harness.ts';
const brain = createLocalBrain();
const files = Deno.args;
if (!files.length) console.error('usage: print_transcripts.ts SCENARIO.json...');
const now = Deno.env.get('NOW') ? new Date(Deno.env.get('NOW')!) : new Date();
for (const f of files) {
  const s = JSON.parse(Deno.readTextFileSync(f));
  const r = await playScenario(brain, s, now);
  console.log(`=== ${f.split('/').pop()} ${r.passed ? 'PASS' : 'FAIL'} ${r.failures.join('; ')}`);
  for (const t of r.transcript) {
    console.log((t.caller !== null ? `  C: ${t.caller}\n` : '') + `  A: ${t.agent} [${t.intent ?? ''}]`);
  }
}
