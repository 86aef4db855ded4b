/** Scorecard logic shared by the server and the browser. */

export interface Target {
  metric: string;
  target: number;
  direction: 'min' | 'max';
}

/** Whether a figure meets its target; null when there is nothing to judge. */
export function meets(value: number | null | undefined, t: Target | undefined): boolean | null {
  if (value === null || value === undefined || !t) return null;
  return t.direction === 'min' ? value >= t.target : value <= t.target;
}
