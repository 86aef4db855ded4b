import { deepStrictEqual as eq } from 'node:assert';
import { glossSpanish } from './spanish.ts';

Deno.test('glossSpanish: a part of the day on its own, and after an hour', () => {
  eq(glossSpanish('el viernes por la mañana'), 'el friday in the morning');
  eq(glossSpanish('mañana en la tarde'), 'tomorrow in the afternoon');
  eq(glossSpanish('mañana a las diez de la mañana'), 'tomorrow at 10 am');
  eq(glossSpanish('a las tres y media de la tarde'), 'at 3:30 pm');
});
