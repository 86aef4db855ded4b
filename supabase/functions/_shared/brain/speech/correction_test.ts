import { deepStrictEqual as eq } from 'node:assert';
import { correctionSplits, withoutRejected } from './correction.ts';

const last = (text: string) => correctionSplits(text)[0] ?? null;

Deno.test('correctionSplits: what was said before and after the last marker', () => {
  eq(last('Thursday at 3pm? Actually make that Friday morning.'), {
    before: 'Thursday at 3pm? Actually',
    after: 'Friday morning.',
  });
  eq(last('my name is Jon, I mean John'), { before: 'my name is Jon,', after: 'John' });
  eq(last('el jueves, no, mejor el viernes'), { before: 'el jueves,', after: 'el viernes' });
  eq(last('at 3, scratch that, at 5'), { before: 'at 3,', after: 'at 5' });
  // "instead" comes after the new value: the value is the clause it ends.
  eq(last('Thursday at 3pm. Friday morning instead.'), {
    before: 'Thursday at 3pm.',
    after: 'Friday morning.',
  });
});

Deno.test('correctionSplits: no marker, a marker with nothing after it, or one that turns a day down', () => {
  eq(correctionSplits('tomorrow at 2 please'), []);
  eq(correctionSplits('tomorrow at 2, actually.'), []);
  eq(correctionSplits('Friday rather than Thursday'), []);
  eq(correctionSplits("I'd rather not say"), []);
  eq(correctionSplits("I can't make it Thursday"), []);
  eq(correctionSplits('la mejoría'), []);
});

Deno.test('withoutRejected: the days a caller turns down are dropped', () => {
  eq(withoutRejected('Friday at 3 rather than Thursday'), 'Friday at 3');
  eq(withoutRejected('Friday instead of Thursday, at 10'), 'Friday , at 10');
  eq(withoutRejected('not Thursday, Friday'), ', Friday');
  eq(withoutRejected('el viernes en vez del jueves'), 'el viernes');
  eq(withoutRejected('not before 10 please'), 'not before 10 please');
});
