import { deepStrictEqual as eq } from 'node:assert';
import { glossSpanish } from './spanish.ts';

Deno.test('glossSpanish: a part of the day on its own, and after an hour', () => {
  eq(glossSpanish('el viernes por la mañana'), 'el friday in the morning');
  eq(glossSpanish('mañana en la tarde'), 'tomorrow in the afternoon');
  eq(glossSpanish('mañana a las diez de la mañana'), 'tomorrow at 10 am');
  eq(glossSpanish('a las tres y media de la tarde'), 'at 3:30 pm');
});

Deno.test('glossSpanish: timelines a lead gives', () => {
  eq(glossSpanish('este mes si es posible'), 'this month si es posible');
  eq(glossSpanish('el próximo mes'), 'next month');
  eq(glossSpanish('esta semana'), 'this week');
  eq(glossSpanish('lo antes posible'), 'as soon as possible');
});
