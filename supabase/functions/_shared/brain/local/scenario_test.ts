/**
 * Plays every scenario of tests/scenarios (and, where a folder of extra scenarios exists, those:
 * SHARED_SCENARIOS_DIR, or ../shared/scenarios beside the clone as in CI) through
 * the local engine, at the real clock and at fixed clocks that stress the calendar (a Friday
 * evening, a weekend, the eve of a holiday, the days around both DST changes), with the seed's
 * knowledge articles and once more with the same facts worded differently.
 */
import { pathToFileURL } from 'node:url';
import { createLocalBrain } from './engine.ts';
import { playScenario, type Scenario } from './testdata/harness.ts';
import { altServices } from '../testing/fixture.ts';

const repoRoot = new URL('../../../../../', import.meta.url);
// URLs, not paths: a clone's path may hold spaces, which a URL's pathname would percent-encode.
const extraDir = Deno.env.get('SHARED_SCENARIOS_DIR');
const DIRS = [
  extraDir ? pathToFileURL(extraDir.endsWith('/') ? extraDir : `${extraDir}/`) : new URL('../shared/scenarios/', repoRoot),
  new URL('tests/scenarios/', repoRoot),
];
const OWN_DIR = DIRS[1];

function load(): { file: string; scenario: Scenario }[] {
  const seen = new Set<string>();
  const out: { file: string; scenario: Scenario }[] = [];
  for (const dir of DIRS) {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)];
    } catch (e) {
      // The extra set is optional; the project's own must be there.
      if (dir !== OWN_DIR && e instanceof Deno.errors.NotFound) continue;
      throw e;
    }
    for (
      const e of entries.filter((x) => x.isFile && x.name.endsWith('.json')).sort((a, b) =>
        a.name.localeCompare(b.name)
      )
    ) {
      const scenario = JSON.parse(Deno.readTextFileSync(new URL(e.name, dir))) as Scenario;
      const key = `${e.name}:${scenario.caller}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ file: `${dir.pathname.replace(/\/$/, '').split('/').slice(-2).join('/')}/${e.name}`, scenario });
    }
  }
  return out;
}

/** Clocks each scenario runs at, besides the real one. */
export const CLOCKS: Record<string, Date> = {
  'weekday morning': new Date('2026-11-24T15:00:00Z'), // Tue 10:00 EST
  'holiday eve': new Date('2026-11-25T16:30:00Z'), // Wed 11:30 EST, Thanksgiving tomorrow
  'friday evening': new Date('2026-11-27T22:50:00Z'), // Fri 17:50 EST
  'saturday': new Date('2026-11-28T17:00:00Z'), // Sat 12:00 EST
  'before spring DST': new Date('2026-03-06T21:00:00Z'), // Fri 16:00 EST; Sunday clocks go forward
  'before fall DST': new Date('2026-10-30T20:00:00Z'), // Fri 16:00 EDT; Sunday clocks go back
  'late night': new Date('2026-12-02T04:30:00Z'), // Tue 23:30 EST
};

const scenarios = load();
const brain = createLocalBrain();
const latencies: number[] = [];
let played = 0;
let passed = 0;

for (const { file, scenario } of scenarios) {
  Deno.test(`scenario ${file}: ${scenario.name}`, async () => {
    // Every clock with the seed's articles; the real clock again with the same facts worded differently.
    const runs: [string, Date, typeof altServices | undefined][] = [
      ['now', new Date(), undefined],
      ...Object.entries(CLOCKS).map(([k, v]): [string, Date, undefined] => [k, v, undefined]),
      ['now, other wording of the articles', new Date(), altServices],
    ];
    const problems: string[] = [];
    for (const [label, now, services] of runs) {
      const run = await playScenario(brain, scenario, now, services);
      latencies.push(...run.latencies);
      played++;
      if (run.passed) {
        passed++;
        continue;
      }
      const lines = run.transcript.map((t) =>
        `    ${t.caller === null ? '' : `caller: ${t.caller}\n    `}agent: ${t.agent} [${t.intent ?? ''}]`
      );
      problems.push(
        `at ${label} (${now.toISOString()}):\n  ${run.failures.join('\n  ')}\n${lines.join('\n')}`,
      );
    }
    if (problems.length) throw new Error(`${scenario.name}\n${problems.join('\n')}`);
  });
}

Deno.test('scenario summary: every scenario passes at every clock; engine latency', () => {
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
  const p95 = sorted[Math.floor(sorted.length * 0.95)] ?? 0;
  console.log(
    `scenarios: ${scenarios.length} files, ${passed}/${played} runs passed; ` +
      `engine turn latency median ${median.toFixed(2)} ms, p95 ${
        p95.toFixed(2)
      } ms over ${sorted.length} turns`,
  );
  if (scenarios.length < 13) throw new Error(`only ${scenarios.length} scenario files found`);
  if (passed !== played) throw new Error(`${played - passed} scenario runs failed`);
});
