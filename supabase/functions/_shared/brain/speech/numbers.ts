/** Spoken numbers as speech recognition writes them ("five five five", "oh one", "twenty three"). */

export const UNITS: Record<string, number> = {
  zero: 0,
  oh: 0,
  o: 0,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
};
export const TEENS: Record<string, number> = {
  ten: 10,
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
};
export const TENS: Record<string, number> = {
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};

/** Small cardinal (0-59) from words: "four", "twelve", "forty five"; null if not a number. */
export function smallNumber(words: string[]): { value: number; used: number } | null {
  const [a, b] = words;
  if (a === undefined) return null;
  if (/^\d{1,2}$/.test(a)) return { value: Number(a), used: 1 };
  if (a in TEENS) return { value: TEENS[a], used: 1 };
  if (a in TENS) {
    if (b && b in UNITS && UNITS[b] > 0) return { value: TENS[a] + UNITS[b], used: 2 };
    return { value: TENS[a], used: 1 };
  }
  if (a in UNITS && a !== 'o' && a !== 'oh') return { value: UNITS[a], used: 1 };
  return null;
}

/**
 * Digit runs in spoken text, in order. Each run is what was said between words that are not
 * digits ("my number is five five five, oh one oh one" → one run "5550101"); "double five" gives
 * "55", "twenty three" "23", "eight hundred" "800". "oh"/"o" count as zero only inside a run.
 */
export function digitRuns(text: string): string[] {
  const words = text.toLowerCase().replace(/[()]/g, ' ').split(/[\s,;]+|(?<=\d)-(?=\d)/).filter(Boolean);
  const runs: string[] = [];
  let cur = '';
  let plus = false;
  let repeat = 1;
  const flush = () => {
    if (cur) runs.push((plus ? '+' : '') + cur);
    cur = '';
    plus = false;
    repeat = 1;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i].replace(/[.]$/, '');
    const next = words[i + 1]?.replace(/[.]$/, '');
    if (w === 'plus' || w === '+') {
      flush();
      plus = true;
      continue;
    }
    if (/^\+?\d[\d.-]*$/.test(w)) {
      if (w.startsWith('+')) {
        flush();
        plus = true;
      }
      cur += w.replace(/\D/g, '').repeat(repeat);
      repeat = 1;
      continue;
    }
    if (w === 'double' || w === 'triple') {
      repeat = w === 'double' ? 2 : 3;
      continue;
    }
    if ((w === 'oh' || w === 'o') && !cur && !(next && (next in UNITS || /^\d/.test(next)))) {
      flush();
      continue;
    }
    if (w === 'dash' || w === 'hyphen' || w === 'and' && cur && next && (next in UNITS)) continue;
    if (w === 'hundred' && cur) {
      cur += '00';
      continue;
    }
    if (w in TENS) {
      const unit = next && next in UNITS && UNITS[next] > 0 ? UNITS[next] : null;
      cur += String(TENS[w] + (unit ?? 0)).repeat(repeat);
      if (unit !== null) i++;
      repeat = 1;
      continue;
    }
    if (w in TEENS) {
      cur += String(TEENS[w]).repeat(repeat);
      repeat = 1;
      continue;
    }
    if (w in UNITS) {
      cur += String(UNITS[w]).repeat(repeat);
      repeat = 1;
      continue;
    }
    flush();
  }
  flush();
  return runs;
}
