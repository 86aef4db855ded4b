/**
 * What `npm run demo:history` plays: for each of the last N days, a number of calls at realistic
 * local times (weekdays busier, mornings and early afternoons busiest, a few in the evening and at
 * weekends, which are after hours), each a script a real caller might follow. Deterministic for a
 * seed, so a run can be repeated.
 */
import type { Scenario, ScenarioTurn } from '../sim/scenario-file.ts';

/** History callers' numbers (fictional 555 range), so their rows can be found and removed. */
export const HISTORY_NUMBER_PREFIX = '+1555077';

export interface PlannedCall {
  /** The business-local day, YYYY-MM-DD, and the local time the call is placed at. */
  day: string;
  hour: number;
  minute: number;
  scenario: Scenario;
}

/** A small seeded generator (mulberry32): the same seed gives the same history. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Jamie', 'Priya', 'Marcus', 'Elena', 'Tom', 'Aisha', 'Daniel', 'Mei', 'Carlos', 'Grace', 'Omar', 'Sofia'];
const LAST = ['Chen', 'Patel', 'Johnson', 'Garcia', 'Nguyen', 'Okafor', 'Miller', 'Kim', 'Rossi', 'Walker'];
const COMPANIES = ['Bright Smile Dental', 'Harbor Plumbing', 'Oak Street Realty', 'Summit Fitness', 'Green Leaf Landscaping',
  'Cornerstone Law', 'Bluebird Bakery', 'Northside Auto Repair'];
const QUESTIONS = ['What are your business hours?', 'How much does the Voice Agent Starter cost?', 'Do you integrate with HubSpot?',
  'How long does it take to get set up?', 'Is there a pilot I can try?', 'Where is my call data stored?'];

/** Calls per hour of the day (local), 8 to 19: the shape of a small sales team's phone. */
const HOUR_WEIGHTS: [number, number][] = [[8, 2], [9, 5], [10, 8], [11, 8], [12, 4], [13, 6], [14, 7], [15, 6], [16, 5], [17, 3], [18, 2], [19, 1]];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)]!;
}

function pickHour(rnd: () => number): number {
  const total = HOUR_WEIGHTS.reduce((n, [, w]) => n + w, 0);
  let r = rnd() * total;
  for (const [hour, w] of HOUR_WEIGHTS) if ((r -= w) < 0) return hour;
  return 10;
}

/** One caller's script: a question, a lead, a callback, a person asked for, or a quick hang-up. */
function script(rnd: () => number, caller: string, openNow: boolean): { name: string; turns: ScenarioTurn[] } {
  const name = `${pick(rnd, FIRST)} ${pick(rnd, LAST)}`;
  const company = pick(rnd, COMPANIES);
  const email = `${name.split(' ')[0]!.toLowerCase()} at ${company.split(' ')[0]!.toLowerCase()} dot com`;
  const kind = rnd();
  if (kind < 0.3) return { name: 'question', turns: [{ say: pick(rnd, QUESTIONS) }, { say: pick(rnd, QUESTIONS) }, { say: "That's all, thanks. Bye." }] };
  if (kind < 0.65) {
    return { name: 'lead', turns: [
      { say: `Hi, I'm ${name} from ${company}. We're interested in an AI receptionist.` },
      { say: pick(rnd, QUESTIONS) },
      { say: `My email is ${email}.` },
      { say: 'We would like to start next month.' },
      { say: "Great, that's all. Thank you, bye." },
    ] };
  }
  if (kind < 0.8) {
    return { name: 'callback', turns: [
      { say: `This is ${name} from ${company}. Can someone call me back tomorrow at 10am about pricing?` },
      { say: 'Yes, this number is fine.' },
      { say: 'Thanks, bye.' },
    ] };
  }
  if (kind < 0.92 && openNow) return { name: 'person', turns: [{ say: `Hi, this is ${name}. Can I speak to a person about my account, please?` }] };
  return { name: 'hang-up', turns: [{ say: 'Sorry, wrong number.' }] };
}

/** The calls of the last `days` days up to `today` (YYYY-MM-DD, the business's today). */
export function planHistory(opts: { today: string; days: number; perWeekday: number; seed: number }): PlannedCall[] {
  const rnd = seeded(opts.seed);
  const calls: PlannedCall[] = [];
  let n = 0;
  for (let back = opts.days; back >= 1; back--) {
    const date = new Date(`${opts.today}T12:00:00Z`);
    date.setUTCDate(date.getUTCDate() - back);
    const day = date.toISOString().slice(0, 10);
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    const count = Math.max(0, Math.round((weekend ? 0.25 : 1) * opts.perWeekday * (0.6 + 0.8 * rnd())));
    for (let i = 0; i < count; i++) {
      // One call in eight rings outside the weekday hours: early, evening, or at the weekend.
      const hour = rnd() < 0.12 ? pick(rnd, [7, 19, 20, 21]) : pickHour(rnd);
      const minute = Math.floor(rnd() * 60);
      const openNow = !weekend && hour >= 9 && hour < 18;
      const caller = `${HISTORY_NUMBER_PREFIX}${String(n++ % 10_000).padStart(4, '0')}`;
      const s = script(rnd, caller, openNow);
      calls.push({
        day, hour, minute,
        scenario: { name: `history ${day} ${s.name}`, caller, given: { hours: openNow ? 'open' : 'closed' }, turns: s.turns, expect: {} },
      });
    }
  }
  return calls;
}
