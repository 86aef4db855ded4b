/**
 * Fallback prices per million tokens, in USD. Configuration wins: the agent's
 * `provider_settings.prices` (same shape) overrides any entry here. Change this table as a
 * whole, with its version, when vendors change their price lists.
 */
import type { Usage } from './chat.ts';

export interface ModelPrice {
  input_per_mtok: number;
  output_per_mtok: number;
}

export type PriceTable = Record<string, ModelPrice>;

export const PRICES_VERSION = '2026-11-25';

export const DEFAULT_PRICES: Readonly<PriceTable> = Object.freeze({
  'gpt-4o': { input_per_mtok: 2.5, output_per_mtok: 10 },
  'gpt-4o-mini': { input_per_mtok: 0.15, output_per_mtok: 0.6 },
  'gpt-4.1': { input_per_mtok: 2, output_per_mtok: 8 },
  'gpt-4.1-mini': { input_per_mtok: 0.4, output_per_mtok: 1.6 },
  'gpt-4.1-nano': { input_per_mtok: 0.1, output_per_mtok: 0.4 },
  'claude-haiku-4-5': { input_per_mtok: 1, output_per_mtok: 5 },
  'claude-sonnet-4-5': { input_per_mtok: 3, output_per_mtok: 15 },
  'claude-3-5-haiku': { input_per_mtok: 0.8, output_per_mtok: 4 },
});

function isPrice(v: unknown): v is ModelPrice {
  const p = v as ModelPrice;
  return !!p && typeof p.input_per_mtok === 'number' && typeof p.output_per_mtok === 'number' &&
    p.input_per_mtok >= 0 && p.output_per_mtok >= 0;
}

/** Merge configured prices (unknown shapes are ignored) over the defaults. */
export function mergePrices(configured: unknown, base: Readonly<PriceTable> = DEFAULT_PRICES): PriceTable {
  const out: PriceTable = { ...base };
  if (configured && typeof configured === 'object') {
    for (const [model, price] of Object.entries(configured)) if (isPrice(price)) out[model] = price;
  }
  return out;
}

/**
 * The price of a model id: an exact entry, else the longest entry the id starts with followed by
 * '-' (dated snapshots such as 'gpt-4o-mini-2024-07-18' or 'claude-haiku-4-5-20251001').
 */
export function priceFor(prices: Readonly<PriceTable>, model: string): ModelPrice | undefined {
  if (prices[model]) return prices[model];
  const key = Object.keys(prices)
    .filter((k) => model.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  return key ? prices[key] : undefined;
}

/** Cost in USD of one usage, rounded to a millionth of a dollar; 0 when the model has no price. */
export function costUsd(prices: Readonly<PriceTable>, model: string, usage: Usage): number {
  const p = priceFor(prices, model);
  if (!p) return 0;
  const usd = (usage.input * p.input_per_mtok + usage.output * p.output_per_mtok) / 1_000_000;
  return Math.round(usd * 1_000_000) / 1_000_000;
}
