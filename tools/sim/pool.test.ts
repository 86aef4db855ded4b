import { describe, expect, it } from 'vitest';
import { inPool } from './pool.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('inPool', () => {
  it('keeps the limit in flight, starts the next as soon as one ends, and returns results in order', async () => {
    let active = 0;
    let most = 0;
    const done: number[] = [];
    const durations = [60, 10, 10, 10, 10];
    const results = await inPool(durations.map((ms, i) => ({ ms, i })), 2, (x) => String(x.i), async (x) => {
      most = Math.max(most, ++active);
      await sleep(x.ms);
      active--;
      return x.i * 10;
    }, (r) => done.push(r / 10));
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(2);
    // Items 1..4 ran one after another beside the long item 0 (fixed batches would wait for it).
    expect(done).toEqual([1, 2, 3, 4, 0]);
  });

  it('never runs two items with the same key at once', async () => {
    const running = new Set<string>();
    let clash = false;
    const items = ['a', 'a', 'b', 'a', 'c'];
    await inPool(items, 4, (k) => k, async (k) => {
      if (running.has(k)) clash = true;
      running.add(k);
      await sleep(5);
      running.delete(k);
    });
    expect(clash).toBe(false);
  });

  it('rejects when a task throws', async () => {
    await expect(inPool([1, 2], 2, String, async (n) => {
      if (n === 2) throw new Error('boom');
      return n;
    })).rejects.toThrow('boom');
  });
});
