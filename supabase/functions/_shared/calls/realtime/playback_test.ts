import { assertEquals } from '../../testing/assert.ts';
import { heardPart, Playback } from './playback.ts';

Deno.test('the heard point is the last mark Twilio returned; cleared audio changes nothing after', () => {
  const p = new Playback();
  const m1 = p.sent('item_a', 1600); // 200 ms
  const m2 = p.sent('item_a', 1600);
  const m3 = p.sent('item_a', 1600);
  assertEquals([m1, m2, m3], ['item_a:200', 'item_a:400', 'item_a:600']);
  assertEquals([p.playing('item_a'), p.drained], [true, false]);
  p.played(m1);
  p.played(m2);
  assertEquals(p.clear('item_a'), { heardMs: 400, sentMs: 600 });
  // Twilio returns the marks of the audio `clear` dropped: the heard point stays.
  p.played(m3);
  assertEquals([p.playing('item_a'), p.drained], [false, true]);
  assertEquals(p.clear('item_a').heardMs, 400);
});

Deno.test('a reply plays out when every mark is back', () => {
  const p = new Playback();
  p.played(p.sent('item_b', 800));
  assertEquals([p.playing('item_b'), p.drained], [false, true]);
});

Deno.test('the words heard are in proportion to the audio played', () => {
  const text = 'one two three four five six seven eight nine ten';
  assertEquals(heardPart(text, 500, 1000), 'one two three four five');
  assertEquals(heardPart(text, 0, 1000), '');
  assertEquals(heardPart(text, 1200, 1000), text);
  assertEquals(heardPart(text, 100, 0), text);
});
