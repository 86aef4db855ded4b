/** Load the NLP libraries' lexicons once, so the first call's first turn is as fast as the rest. */
import { tagsOf } from './slots/names.ts';
import { sentimentScore } from './sentiment.ts';
import { parseWhen } from './slots/when.ts';

let warmed = false;

export function warmUp(): void {
  if (warmed) return;
  warmed = true;
  tagsOf('warm');
  sentimentScore('warm up');
  parseWhen('tomorrow at 2', new Date(), 'UTC');
}
