import type { Turn } from './call.ts';
import type { ScenarioResult } from './scenario.ts';

/** The README's JSON for one played scenario, field for field. */
export type ScenarioJson = Pick<ScenarioResult, 'name' | 'call_sid' | 'conversation_id' | 'ended' | 'dialed' | 'passed' | 'failures'> & { turns: Turn[] };

/** Projects a result onto exactly the README's JSON fields. */
export function toScenarioJson(result: ScenarioResult): ScenarioJson {
  const { name, call_sid, conversation_id, turns, ended, dialed, passed, failures } = result;
  return { name, call_sid, conversation_id, turns: turns.map(({ caller, agent, latency_ms }) => ({ caller, agent, latency_ms })), ended, dialed, passed, failures };
}

/** One agent or caller line of a transcript. */
export function formatTurnLines(turn: Turn): string[] {
  const lines: string[] = [];
  if (turn.caller !== null) lines.push(`  caller             ${turn.caller}`);
  lines.push(`  agent ${`(${turn.latency_ms.toFixed(0)} ms)`.padStart(11)}  ${turn.agent || '…'}`);
  return lines;
}

/** The readable transcript of a played scenario, ending with its verdict. */
export function formatResult(result: ScenarioResult, quiet = false): string {
  const lines = quiet ? [] : [`── ${result.name}${result.call_sid ? `  [${result.call_sid}]` : ''}`, ...result.turns.flatMap(formatTurnLines)];
  if (!quiet && result.call_sid) lines.push(`  ended: ${result.ended ?? '—'}${result.dialed ? `, dialled ${result.dialed}` : ''}`);
  if (!quiet) lines.push(...result.warnings.map((warning) => `  ! ${warning}`));
  lines.push(`${result.passed ? 'PASS' : 'FAIL'}  ${result.name}`);
  lines.push(...result.failures.map((failure) => `    - ${failure}`));
  return lines.join('\n');
}

/** "n/m passed" with the slowest answer, for the end of a folder run. */
export function formatSummary(results: ScenarioResult[]): string {
  const passed = results.filter((r) => r.passed).length;
  const latencies = results.flatMap((r) => r.turns.map((t) => t.latency_ms)).sort((a, b) => a - b);
  const p50 = latencies[Math.floor(latencies.length / 2)];
  const max = latencies[latencies.length - 1];
  const timing = latencies.length ? `; answers p50 ${p50!.toFixed(0)} ms, max ${max!.toFixed(0)} ms` : '';
  return `${passed}/${results.length} scenarios passed${timing}`;
}
