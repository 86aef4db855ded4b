/**
 * Which language a caller speaks, English or Spanish, from the words of one utterance. Words that
 * exist in both languages ("no", "a", "me") say nothing; a name or a brand says nothing. Short
 * answers ("sí", "gracias") count, so a caller who switches mid-call is followed.
 */
import type { Lang } from '../hours.ts';

/** Common Spanish words (not names). */
export const SPANISH_WORDS = new Set(
  (
    'hola buenos buenas días dias tardes noches sí si gracias muchas favor necesito quiero quisiera ' +
    'puede puedo pueden podría podria cuánto cuanto cuánta cuesta cuestan precio precios horario horarios ' +
    'abren cierran abierto cerrado llamar llame llamen llamada llámenme llamenme hablar habla hablo español ' +
    'persona alguien nombre llamo empresa negocio correo electrónico electronico mañana manana tarde ' +
    'lunes martes miércoles miercoles jueves viernes sábado sabado domingo semana próxima proxima ' +
    'qué que cómo como cuándo cuando dónde donde quién quien porque para con una uno unos unas los las ' +
    'del el es está esta estoy tengo tiene tienen mi mis su sus usted ustedes nosotros somos soy ' +
    'mensaje dejar recado ayuda ayudar información informacion también tambien pero muy bien claro ' +
    'vale adiós adios hasta luego servicio servicios planes plan mes mensual contrato cancelar factura ' +
    'cobro clínica restaurante tienda trabajo'
  ).split(' '),
);

const ENGLISH = new Set(
  (
    'hi hello hey yes yeah thanks thank please need want would could can how much does do the is are ' +
    'what when where who why your you my our we i i\'m it\'s that this have has about call back ' +
    'price prices pricing hours open closed name company email tomorrow today morning afternoon ' +
    'speak talk someone person with for and but just okay ok bye goodbye sure right'
  ).split(' '),
);

/** Words only a Spanish speaker says: each counts double. */
const STRONG = new Set(
  ('hola gracias necesito quiero quisiera puede pueden podría podria cuánto cuanto cuesta llamar llámenme ' +
    'llamenme horario buenos buenas sí español tengo soy llamo mañana usted favor también tambien qué cómo ' +
    'cuándo dónde quién está estoy necesitamos queremos hablar').split(' '),
);

/** Words that are the same in both languages and prove nothing. */
const BOTH = new Set(['no', 'a', 'me', 'plan', 'hotel', 'email', 'ok', 'okay', 'taco', 'pizza']);

/** 'es' or 'en' when the words say so clearly, else null. */
export function detectLanguage(text: string): Lang | null {
  const words = text.toLowerCase().normalize('NFC').match(/[\p{L}']+/gu) ?? [];
  let es = 0;
  let en = 0;
  for (const w of words) {
    if (BOTH.has(w)) continue;
    if (SPANISH_WORDS.has(w)) es += STRONG.has(w) ? 2 : 1;
    if (ENGLISH.has(w)) en++;
  }
  if (/[ñ¿¡]|[áéíóú]/.test(text.toLowerCase())) es += 1;
  if (es >= 2 && es > en * 1.5) return 'es';
  if (en >= 1 && en >= es) return 'en';
  return null;
}

/** The call's language after this utterance: a clear switch is followed, otherwise it stays. */
export function followLanguage(current: Lang, text: string): Lang {
  const said = detectLanguage(text);
  if (!said || said === current) return current;
  const words = text.trim().split(/\s+/).length;
  // One English word in a Spanish call ("okay", "email") is not a switch.
  return said === 'en' && words < 3 ? current : said;
}
