import { describe, expect, it } from 'vitest';
import { freshCallerNumber } from './fresh-number.ts';

describe('freshCallerNumber', () => {
  it('gives fictional 555-01XX numbers in real-looking area codes, never the demo area code', () => {
    const numbers = Array.from({ length: 2000 }, freshCallerNumber);
    for (const n of numbers) {
      expect(n).toMatch(/^\+1[2-9][0-8][0-9]55501[0-9]{2}$/);
      expect(n.slice(2, 5)).not.toBe('555');
      expect(n.slice(3, 5)).not.toBe('11');
    }
    // Fresh each time: 2000 draws from about 79,000 numbers repeat only rarely.
    expect(new Set(numbers).size).toBeGreaterThan(1900);
  });
});
