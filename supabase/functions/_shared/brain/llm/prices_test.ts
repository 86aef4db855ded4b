import assert from 'node:assert/strict';
import { costUsd, DEFAULT_PRICES, mergePrices, priceFor } from './prices.ts';

Deno.test('prices: configuration overrides defaults, bad entries are ignored', () => {
  const p = mergePrices({
    'gpt-4o-mini': { input_per_mtok: 1, output_per_mtok: 2 },
    junk: { input_per_mtok: 'x' },
    'llama3.1': { input_per_mtok: 0, output_per_mtok: 0 },
  });
  assert.deepEqual(p['gpt-4o-mini'], { input_per_mtok: 1, output_per_mtok: 2 });
  assert.equal(p.junk, undefined);
  assert.ok(p['llama3.1']);
  assert.ok(p['claude-haiku-4-5'], 'defaults kept');
});

Deno.test('prices: dated snapshots use the longest matching entry; cost is per million tokens', () => {
  assert.equal(priceFor(DEFAULT_PRICES, 'gpt-4o-mini-2024-07-18'), DEFAULT_PRICES['gpt-4o-mini']);
  assert.equal(priceFor(DEFAULT_PRICES, 'gpt-4o-2024-11-20'), DEFAULT_PRICES['gpt-4o']);
  assert.equal(priceFor(DEFAULT_PRICES, 'gpt-4omni'), undefined);
  assert.equal(costUsd(DEFAULT_PRICES, 'claude-haiku-4-5-20251001', { input: 2000, output: 100 }), 0.0025);
  assert.equal(costUsd(DEFAULT_PRICES, 'unknown', { input: 2000, output: 100 }), 0);
});
