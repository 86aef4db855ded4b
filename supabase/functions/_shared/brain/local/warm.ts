/** Load the NLP libraries' lexicons once, so the first call's first turn is as fast as the rest. */
import { tagsOf } from '../speech/names.ts';
import { sentimentScore } from '../speech/sentiment.ts';
import { parseWhen } from '../speech/when.ts';

let warmed = false;

export function warmUp(): void {
  if (warmed) return;
  warmed = true;
  tagsOf('warm');
  sentimentScore('warm up');
  parseWhen('tomorrow at 2', new Date(), 'UTC');
}
