import { deepStrictEqual as eq } from 'node:assert';
import { glossSpanish } from './spanish.ts';
import { extractName } from './names.ts';
import { extractCompany } from './company.ts';
import { utterance } from './text.ts';

/** Name and company as the local engine reads them from a Spanish caller's words. */
function heard(said: string, opts: { afterName?: boolean } = {}): [string | null, string | null] {
  const u = utterance(glossSpanish(said));
  return [extractName(u, { expect: opts.afterName }), extractCompany(u, opts)];
}

Deno.test('Spanish: a name and the company after "de" in one sentence', () => {
  const cases: [string, [string | null, string | null]][] = [
    ['Me llamo Lucía Gómez, de Fontanería Gómez', ['Lucía Gómez', 'Fontanería Gómez']],
    ['me llamo lucía gómez, de fontanería gómez', ['Lucía Gómez', 'Fontanería Gómez']],
    ['Hola, soy Pedro Ramírez, de Acme', ['Pedro Ramírez', 'Acme']],
    ['Soy Ana Torres de la Panadería Soto y quiero información', ['Ana Torres', 'Panadería Soto']],
    ['Buenas tardes, le habla Jorge Vega, del Restaurante El Faro', ['Jorge Vega', 'Restaurante El Faro']],
    ['Me llamo Marta Ruiz de Construcciones Ruiz', ['Marta Ruiz', 'Construcciones Ruiz']],
  ];
  for (const [said, want] of cases) eq(heard(said), want, said);
});

Deno.test('Spanish: the other ways of naming the company', () => {
  const cases: [string, [string | null, string | null]][] = [
    ['Soy Ana, de la empresa Transportes Vega', ['Ana', 'Transportes Vega']],
    ['Soy Lucía Gómez y trabajo en Fontanería Gómez', ['Lucía Gómez', 'Fontanería Gómez']],
    ['Trabajo para Construcciones Ruiz', [null, 'Construcciones Ruiz']],
    ['Mi empresa es Fontanería Gómez', [null, 'Fontanería Gómez']],
    ['mi empresa se llama fontanería gómez', [null, 'Fontanería Gómez']],
    ['Le llamo de parte de Clínica Dental Sonrisa', [null, 'Clínica Dental Sonrisa']],
    ['Me llamo Rosa Díaz, de Díaz y Asociados', ['Rosa Díaz', 'Díaz y Asociados']],
  ];
  for (const [said, want] of cases) eq(heard(said), want, said);
  // An answer to "¿me da su nombre?".
  eq(heard('Lucía Gómez, de Fontanería Gómez', { afterName: true }), ['Lucía Gómez', 'Fontanería Gómez']);
  eq(heard('Lucía Gómez de Fontanería Gómez', { afterName: true }), ['Lucía Gómez', 'Fontanería Gómez']);
});

Deno.test('Spanish: "de" in a surname or an ordinary phrase names no company', () => {
  const cases: [string, [string | null, string | null]][] = [
    ['Me llamo Juan de la Torre', ['Juan de la Torre', null]],
    ['Soy María de León', ['María de León', null]],
    ['De acuerdo, me llamo Luis Ortega', ['Luis Ortega', null]],
    ['De nada, gracias', [null, null]],
    ['¿Abren de lunes a viernes?', [null, null]],
    ['Me llamo Pablo, llámenme pasado mañana, de mañana mejor', ['Pablo', null]],
    ['Me llamo Elena Soto, de nuevo, perdón', ['Elena Soto', null]],
  ];
  for (const [said, want] of cases) eq(heard(said), want, said);
});

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

Deno.test('Spanish: who the caller speaks with, someone to call them, a time "a eso de"', () => {
  eq(glossSpanish('Buenos días, ¿con quién hablo?'), 'hello, who is this?');
  eq(glossSpanish('¿Eres un robot?'), 'are you a robot?');
  eq(glossSpanish('Quisiera que alguien me llame mañana a eso de las cuatro de la tarde.'),
    'quisiera someone to call me back tomorrow at 4 pm.');
  eq(glossSpanish('¿Alguien me puede llamar el jueves?'), 'alguien call me back el thursday?');
  eq(glossSpanish('Tengo una clínica y quería saber si pueden contestar las llamadas en español'),
    'tengo una clínica i was wondering pueden answer calls in spanish');
});
