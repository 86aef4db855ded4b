import { describe, expect, it } from 'vitest';
import { HISTORY_NUMBER_PREFIX, planHistory } from './plan.ts';

describe('the demo history plan', () => {
  const plan = planHistory({ today: '2026-11-30', days: 30, perWeekday: 6, seed: 1 });

  it('covers the 30 days before today, weekdays busier than weekends', () => {
    const days = new Set(plan.map((c) => c.day));
    expect([...days].every((d) => d >= '2026-10-31' && d < '2026-11-30')).toBe(true);
    const weekday = (d: string) => ![0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay());
    const perDay = (pred: (d: string) => boolean) => plan.filter((c) => pred(c.day)).length / [...days].filter(pred).length;
    expect(perDay(weekday)).toBeGreaterThan(3 * perDay((d) => !weekday(d)));
  });

  it('places calls from 7 AM to 9 PM, mostly in business hours, each from a history number', () => {
    expect(plan.every((c) => c.hour >= 7 && c.hour <= 21 && c.minute >= 0 && c.minute < 60)).toBe(true);
    const outside = plan.filter((c) => c.hour < 9 || c.hour >= 18).length / plan.length;
    expect(outside).toBeGreaterThan(0.05);
    expect(outside).toBeLessThan(0.35);
    expect(plan.every((c) => c.scenario.caller.startsWith(HISTORY_NUMBER_PREFIX) && c.scenario.turns.length > 0)).toBe(true);
    expect(new Set(plan.map((c) => c.scenario.name.split(' ').at(-1))).size).toBeGreaterThanOrEqual(4);
  });

  it('is the same for the same seed and differs for another', () => {
    expect(planHistory({ today: '2026-11-30', days: 30, perWeekday: 6, seed: 1 })).toEqual(plan);
    expect(planHistory({ today: '2026-11-30', days: 30, perWeekday: 6, seed: 2 })).not.toEqual(plan);
  });
});
