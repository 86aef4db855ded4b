/**
 * Escalation routing as the settings form writes it: topics with the words that route a caller
 * to a person ("billing: invoice, refund, charge"), one per line, to and from
 * `escalation_rules.topics`. Other keys of `escalation_rules` are kept as they are.
 */

export function parseTopics(text: string): { topics: Record<string, string[]> } | { error: string } {
  const topics: Record<string, string[]> = {};
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = line.match(/^([a-z0-9_ -]{1,40}):(.*)$/i);
    if (!m) return { error: `Line ${i + 1}: write “topic: word, word”.` };
    const words = [...new Set(m[2].split(',').map((w) => w.trim().toLowerCase()).filter(Boolean))];
    if (words.length === 0) return { error: `Line ${i + 1}: list at least one word for “${m[1].trim()}”.` };
    if (words.some((w) => w.length > 60)) return { error: `Line ${i + 1}: a word is longer than 60 characters.` };
    topics[m[1].trim().toLowerCase()] = words;
  }
  return { topics };
}

export function formatTopics(topics: unknown): string {
  if (!topics || typeof topics !== 'object') return '';
  return Object.entries(topics as Record<string, unknown>)
    .map(([topic, words]) => `${topic}: ${Array.isArray(words) ? words.join(', ') : ''}`)
    .join('\n');
}
