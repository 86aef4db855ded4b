/** Sentiment of a caller's words with the AFINN-165 lexicon (the `sentiment` package). */
import Sentiment from 'sentiment';

const analyzer = new Sentiment();

/** Words AFINN scores for senses a phone call about a service rarely means. */
const EXTRAS = {
  // "charge" is about price here, not an accusation; a double charge is caught by the billing rules.
  charge: 0,
  charges: 0,
  charged: -1,
  cancel: 0,
  cancellation: 0,
  help: 0,
  please: 0,
  no: 0,
  sorry: 0,
  ridiculous: -3,
  unacceptable: -3,
  twice: -1,
  nobody: -1,
  'fed up': -3,
  scam: -4,
  useless: -3,
};

/** Score in [-1, 1]: the AFINN sum divided by 5, clipped. */
export function sentimentScore(text: string): number {
  const { score } = analyzer.analyze(text, { extras: EXTRAS });
  return Math.max(-1, Math.min(1, score / 5));
}
