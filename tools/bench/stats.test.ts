import { describe, expect, it } from 'vitest';
import { percentile, summarise } from './stats.ts';
import { tableRows, type Figures } from './report.ts';
import { benchCaller, BENCH_NUMBER_PREFIX, pause } from './load.ts';

describe('bench statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(summarise([1, 2, 3, 4])).toMatchObject({ count: 4, p50: 2, max: 4, mean: 2.5 });
  });

  it('marks each target met or missed', () => {
    const f: Figures = { calls: 100, turns_per_call: 10, think_ms: 0, turns: 1100, turns_per_s: 320, p50_ms: 20,
      p95_ms: 60, p99_ms: 120, max_ms: 200, errors: 0, lost_messages: 0, doubled_messages: 0,
      rss_mb: { functions: 100, postgres: 80 }, baseline_p50_ms: 5, baseline_p99_ms: 9, p50_vs_baseline: 4, cold_start: null };
    const verdict = Object.fromEntries(tableRows(f).map(([name, , , ok]) => [name, ok]));
    expect(verdict).toMatchObject({ throughput: true, p99: false, errors: true, 'p50 vs baseline': false });
  });

  it('reports a Postgres restart: answers past the deadline and Twilio\'s 15 s, turns not stored', () => {
    const f: Figures = { calls: 100, turns_per_call: 20, think_ms: 200, turns: 2100, turns_per_s: 60, p50_ms: 20,
      p95_ms: 60, p99_ms: 120, max_ms: 12_000, errors: 0, lost_messages: 0, doubled_messages: 0,
      rss_mb: { functions: 100, postgres: 80 }, baseline_p50_ms: 5, baseline_p99_ms: 9, p50_vs_baseline: 4, cold_start: null,
      fault: { kind: 'postgres-restart', stopped_at_s: 5, started_at_s: 8, deadline_ms: 10_000, answers_past_deadline: 3,
        answers_past_15s: 0, slowest_answer_ms: 12_000, caller_turns_not_stored: 0 } };
    const verdict = Object.fromEntries(tableRows(f).map(([name, , , ok]) => [name, ok]));
    expect(verdict).toMatchObject({ 'answers past the deadline (10 s)': false, 'answers past 15 s (Twilio gives up)': true,
      'caller turns not stored': true });
  });

  it('gives bench callers valid numbers of their own', () => {
    expect(benchCaller(42)).toBe(`${BENCH_NUMBER_PREFIX}0042`);
    expect(benchCaller(42)).toMatch(/^\+1\d{10}$/);
  });

  it('spreads pauses over half to one and a half times the mean', () => {
    expect(pause(200, () => 0)).toBe(100);
    expect(pause(200, () => 0.5)).toBe(200);
    expect(pause(200, () => 0.999)).toBeCloseTo(299.8);
  });
});
