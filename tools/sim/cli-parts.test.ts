import { describe, expect, it } from 'vitest';
import { parseTypedLine } from './interactive.ts';
import { formatResult, toScenarioJson } from './report.ts';
import type { ScenarioResult } from './scenario.ts';
import { assertLocalDatabase, UnsafeDatabaseError } from './scenario-db.ts';

const STACK = 'postgresql://postgres:postgres@127.0.0.1:54322/postgres';

describe('assertLocalDatabase', () => {
  it("accepts the stack's own database, localhost or 127.0.0.1", () => {
    expect(() => assertLocalDatabase(STACK, [STACK])).not.toThrow();
    expect(() => assertLocalDatabase('postgres://postgres:postgres@localhost:54322/postgres', [STACK])).not.toThrow();
  });
  it.each([
    ['a remote host', 'postgresql://postgres:pw@db.abcd.supabase.co:5432/postgres'],
    ['another local port', 'postgresql://postgres:postgres@127.0.0.1:5432/postgres'],
    ['another database', 'postgresql://postgres:postgres@127.0.0.1:54322/prod'],
    ['not a URL', 'host=127.0.0.1 port=54322'],
  ])('refuses %s', (_, url) => {
    expect(() => assertLocalDatabase(url, [STACK])).toThrow(UnsafeDatabaseError);
  });
});

describe('parseTypedLine', () => {
  it('reads speech and commands', () => {
    expect(parseTypedLine('  What are your hours? ')).toEqual({ input: { kind: 'speech', text: 'What are your hours?' } });
    expect(parseTypedLine('/digits 0#')).toEqual({ input: { kind: 'digits', digits: '0#' } });
    expect(parseTypedLine('/silence')).toEqual({ input: { kind: 'silence' } });
    expect(parseTypedLine('/hangup')).toEqual({ hangup: true });
    expect(parseTypedLine('/quit')).toEqual({ quit: true });
    expect(parseTypedLine('/digits x')).toHaveProperty('help');
    expect(parseTypedLine('')).toHaveProperty('help');
  });
});

describe('report', () => {
  const result: ScenarioResult = {
    name: 'asks hours', file: 'a.json', call_sid: `CA${'0'.repeat(32)}`, conversation_id: null,
    turns: [{ caller: null, agent: 'Hello.', latency_ms: 101.26 }, { caller: 'Hours?', agent: 'Nine to six.', latency_ms: 900 }],
    ended: 'caller_hangup', dialed: null, passed: false, failures: ['escalated: expected false, got true'], warnings: [], requests: [],
  };
  it("projects exactly the README's JSON fields", () => {
    expect(Object.keys(toScenarioJson(result))).toEqual(['name', 'call_sid', 'conversation_id', 'turns', 'ended', 'dialed', 'passed', 'failures']);
  });
  it('prints the transcript with latencies and the verdict', () => {
    const text = formatResult(result);
    expect(text).toContain('agent    (101 ms)  Hello.');
    expect(text).toContain('caller             Hours?');
    expect(text).toMatch(/FAIL {2}asks hours\n {4}- escalated: expected false, got true$/);
    expect(formatResult(result, true).split('\n')).toHaveLength(2);
  });
});
