import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extraScenarioDir, ownScenarioDir } from '../test/scenario-dirs.ts';
import { loadScenarios, parseScenario, ScenarioFormatError } from './scenario-file.ts';

const EXTRA = extraScenarioDir();

describe('parseScenario', () => {
  it('accepts a full scenario', () => {
    const s = parseScenario({
      name: 'x', caller: '+15555550123', given: { hours: 'open', customer: { name: 'Dana' }, dial_result: 'busy' },
      turns: [{ say: 'hi', expect_reply: ['a'] }, { digits: '0#' }, { silence: true, expect_reply_not: ['b'] }],
      expect: { ended: ['transfer'], transfer_to: '+15550100001', escalated: true, customer: { name: 'Dana' }, scheduled_task: { task_type: 'callback', local_time: '14:00' }, greeting: ['hi'], messages_min: 2 },
    });
    expect(s.given.dial_result).toBe('busy');
  });

  it('lists every problem at once, typos included', () => {
    const attempt = () => parseScenario({
      name: '', caller: '555', given: { hours: 'maybe', dial_result: 'ringing', customer: { nmae: 'x' } },
      turns: [{ say: 'a', digits: '1' }, { digits: '12a' }, { say: 'b', expect_replies: ['x'] }, { say: 'c', expect_reply: ['('] }],
      expect: { ended: 'hangup', scheduled_task: { task_type: 'callback', local_time: '2pm' } },
    });
    expect(attempt).toThrow(ScenarioFormatError);
    const message = (() => { try { attempt(); return ''; } catch (e) { return (e as Error).message; } })();
    for (const problem of ['name:', 'caller:', 'given.hours', 'given.dial_result', 'given.customer.nmae: unknown field', 'turns[0]: exactly one of',
      'turns[1].digits', 'turns[2].expect_replies: unknown field', 'turns[3].expect_reply: invalid regular expression', 'expect.ended', 'expect.scheduled_task']) {
      expect(message).toContain(problem);
    }
  });
});

describe('loadScenarios', () => {
  const readsEvery = async (dir: string) => {
    const loaded = await loadScenarios(dir);
    const names = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.map((l) => l.file)).toEqual(names.map((f) => join(dir, f)));
    expect(loaded.filter((l) => 'error' in l)).toEqual([]);
  };

  it('reads every scenario of tests/scenarios, sorted, without format errors', () => readsEvery(ownScenarioDir));

  it.skipIf(!EXTRA)('reads every scenario of the extra set, when the machine has one', () => readsEvery(EXTRA!));

  it('reports an unreadable file as an error entry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sim-'));
    await writeFile(join(dir, 'b.json'), '{ not json');
    await writeFile(join(dir, 'a.json'), JSON.stringify({ name: 'a', caller: '+15555550123', turns: [], expect: {} }));
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const loaded = await loadScenarios(dir);
    expect(loaded.map((l) => ('error' in l ? 'error' : l.scenario.name))).toEqual(['a', 'error']);
  });
});
