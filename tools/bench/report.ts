/** The bench's table: each figure beside its target. */

export interface Figures {
  calls: number;
  turns_per_call: number;
  think_ms: number;
  load_avg_before?: number;
  turns: number;
  turns_per_s: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
  errors: number;
  lost_messages: number;
  doubled_messages: number;
  rss_mb: { functions: number; postgres: number; postgres_pss?: number; worker?: number };
  cpu_ms_per_turn?: { functions: number; postgres: number; worker?: number; dashboard?: number; bench: number };
  baseline_p50_ms: number;
  baseline_p99_ms: number;
  p50_vs_baseline: number;
  cold_start: { listen_ms: number; first_health_ms: number; first_voice_ms: number; spawn_to_health_ms: number } | null;
  /** Dashboard viewers during the load and how late their transcript lines arrived. */
  /** With --fault postgres-restart. */
  fault?: { kind: string; stopped_at_s?: number; started_at_s?: number; deadline_ms: number; answers_past_deadline: number;
    answers_past_15s: number; slowest_answer_ms: number; caller_turns_not_stored: number };
  live?: { viewers: number; lines_received: number; live_delay_p50_ms: number | null; live_delay_p99_ms: number | null; stream_errors: number;
    viewer_loop_delay_p99_ms?: number | null };
}

type Row = [string, string, string, boolean | null];

/** The rows of the table; the last column says whether a target is met (null: no target). */
export function tableRows(f: Figures): Row[] {
  const ms = (n: number) => `${n} ms`;
  const rows: Row[] = [
    ['calls x turns', `${f.calls} x ${f.turns_per_call} (think ${f.think_ms} ms)`, '', null],
    ['turns measured', String(f.turns), '', null],
    ['load average before', String(f.load_avg_before ?? '?'), '', null],
    ['throughput', `${f.turns_per_s} turns/s`, '>= 300 turns/s', f.turns_per_s >= 300],
    ['p50', ms(f.p50_ms), '', null],
    ['p95', ms(f.p95_ms), '', null],
    ['p99', ms(f.p99_ms), '<= 100 ms', f.p99_ms <= 100],
    ['max', ms(f.max_ms), '', null],
    ['errors', String(f.errors), '0', f.errors === 0],
    ['lost messages', String(f.lost_messages), '0', f.lost_messages === 0],
    ['doubled messages', String(f.doubled_messages), '0', f.doubled_messages === 0],
    ['baseline p50 / p99', `${ms(f.baseline_p50_ms)} / ${ms(f.baseline_p99_ms)}`, '', null],
    ['p50 vs baseline', `${f.p50_vs_baseline}x`, '<= 3x', f.p50_vs_baseline <= 3],
    ['RSS functions', `${f.rss_mb.functions} MB`, '', null],
    ['RSS Postgres', `${f.rss_mb.postgres} MB summed over its processes` +
      (f.rss_mb.postgres_pss ? ` (PSS ${f.rss_mb.postgres_pss} MB)` : ''), '', null],
  ];
  if (f.live) {
    rows.push(['dashboard viewers', `${f.live.viewers} (home page: transcripts and figures)`, '', null]);
    if (f.live.viewers > 0) {
      const p99 = f.live.live_delay_p99_ms;
      rows.push(['live delay p50 / p99', `${f.live.live_delay_p50_ms ?? '?'} / ${p99 ?? '?'} ms over ${f.live.lines_received} lines`, 'p99 < 1000 ms', p99 !== null && p99 < 1000],
        ['viewer stream errors', String(f.live.stream_errors), '0', f.live.stream_errors === 0],
        ['viewers\' event loop p99', `${f.live.viewer_loop_delay_p99_ms ?? '?'} ms late (their own process)`, '', null]);
    }
  }
  if (f.rss_mb.worker) rows.push(['RSS jobs worker', `${f.rss_mb.worker} MB`, '', null]);
  if (f.cpu_ms_per_turn) {
    const c = f.cpu_ms_per_turn;
    rows.push(['CPU per turn', `functions ${c.functions} ms, Postgres ${c.postgres} ms, worker ${c.worker ?? 0} ms, ` +
      `${c.dashboard !== undefined ? `dashboard ${c.dashboard} ms, ` : ''}bench ${c.bench} ms`, '', null]);
  }
  if (f.cold_start) {
    rows.push(['cold start: listening', ms(f.cold_start.listen_ms), '', null],
      ['cold start: first /health', ms(f.cold_start.first_health_ms), '', null],
      ['cold start: first call', ms(f.cold_start.first_voice_ms), '', null]);
  }
  if (f.fault) {
    const x = f.fault;
    rows.push(['fault', `${x.kind}: down ${x.stopped_at_s} s to ${x.started_at_s} s into the load`, '', null],
      [`answers past the deadline (${x.deadline_ms / 1000} s)`, String(x.answers_past_deadline), '0', x.answers_past_deadline === 0],
      ['answers past 15 s (Twilio gives up)', String(x.answers_past_15s), '0', x.answers_past_15s === 0],
      ['slowest answer', ms(x.slowest_answer_ms), '', null],
      ['caller turns not stored', String(x.caller_turns_not_stored), '0', x.caller_turns_not_stored === 0]);
  }
  return rows;
}

export function printTable(f: Figures, errorDetails: string[], write = (line: string) => console.log(line)): void {
  const rows = tableRows(f);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => String(r[i]).length)));
  write('');
  for (const [name, value, target, ok] of rows) {
    const mark = ok === null ? '' : ok ? 'ok' : 'MISSED';
    write(`  ${name.padEnd(widths[0]!)}  ${value.padEnd(widths[1]!)}  ${target.padEnd(widths[2]!)}  ${mark}`.trimEnd());
  }
  const distinct = [...new Set(errorDetails)];
  if (distinct.length) {
    write('\n  errors:');
    for (const d of distinct.slice(0, 10)) write(`    ${d} (x${errorDetails.filter((e) => e === d).length})`);
  }
  write('');
}
