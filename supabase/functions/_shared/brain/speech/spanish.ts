/**
 * A Spanish caller's words glossed into the English the intent cues and slot parsers read: the
 * phrases that carry a request ("llámenme" → "call me back", "me llamo" → "my name is", "arroba"
 * → "at"), times ("mañana a las 3 de la tarde" → "tomorrow at 3 pm"), days and numbers. Names,
 * companies and addresses pass through untouched. The reply is composed in Spanish elsewhere; this
 * is only for understanding.
 */
import { markCompanyFrom } from './spanish_company.ts';

/** Words that start a sentence but never a name: lowered so the cues see them. */
const FUNCTION_WORDS = new Set(
  ('me mi mis se le lo la las los el y o de en a yo usted ustedes nosotros sí si no hola buenos buenas ' +
    'quiero quisiera queremos necesito necesitamos tengo tenemos soy somos es son estoy estamos puede pueden ' +
    'podría podria puedo cuál cual cuánto cuanto cuándo cuando qué que cómo como dónde donde quién quien ' +
    'gracias muchas claro perdón perdon disculpe bueno pues entonces también tambien pero mañana hoy ' +
    'llámenme llamenme llámeme llameme pásame pasame hablan habla trabajo llamo nuestro nuestra su sus eso esto ' +
    'está esta correcto exacto perfecto adiós adios hasta nada por favor prefiero mejor ok vale eres alguien').split(' '),
);

/** An hour as said before "de la mañana": "3", "10:30", "tres", "diez y media". */
const SPANISH_HOUR = '(?:\\d{1,2}(?::\\d{2})?|una|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce)' +
  '(?: y (?:media|cuarto))?';

const RULES: [RegExp, string][] = [
  // Identity and details.
  [/\b(?:me llamo|mi nombre es|soy)\b/g, 'my name is'],
  [/\ble habla\b/g, 'this is'],
  [/\b(?:mi|nuestra) (?:empresa|compañía|compania|negocio|clínica|clinica|consultorio|tienda|restaurante) se llama\b/g, 'my company is called'],
  [/\b(?:mi|nuestra) (?:empresa|compañía|compania|negocio|clínica|clinica|consultorio|tienda|restaurante) es\b/g, 'my company is'],
  [/\bel nombre de (?:mi|la|nuestra) (?:empresa|compañía|compania|negocio) es\b/g, 'my company is called'],
  [/\b(?:le |les )?(?:llamo|hablo) de parte de\b/g, "i'm calling from"],
  [/\bde parte de\b/g, 'from'],
  [/\b(?:trabajo|llamo) (?:en|de|desde) (?:la (?:empresa|compañía|compania) )?/g, 'i work at '],
  [/\btrabajo para (?:la (?:empresa|compañía|compania) )?/g, 'i work for '],
  [/\b(?:de|desde) la (?:empresa|compañía|compania)\b/g, 'from'],
  [/\bmi (?:correo|correo electrónico|correo electronico|email|e-mail|mail) es\b/g, 'my email is'],
  [/\barroba\b/g, 'at'],
  [/\bpunto\b/g, 'dot'],
  [/\bguion bajo\b/g, 'underscore'],
  [/\bguion\b/g, 'dash'],
  [/\bmi (?:número|numero|teléfono|telefono|celular)(?: es)?\b/g, 'my number is'],
  // Requests.
  [/\b(?:quiero|quisiera|necesito|me gustaría|me gustaria|puedo|podría|podria) (?:hablar|comunicarme) con (?:una persona|alguien|un humano|un agente|una persona real|un representante|ventas|soporte)\b/g, 'i want to speak to a person'],
  [/\b(?:quiero|quisiera|necesito|me gustaría|me gustaria|puedo|podría|podria) (?:hablar|comunicarme) con\b/g, 'i want to speak to'],
  [/\b(?:pásame|pasame|páseme|paseme|comuníqueme|comuniqueme) con\b/g, 'connect me to'],
  [/\b(?:que me (?:llamen|llame|devuelvan la llamada|regresen la llamada)|llámenme|llamenme|llámeme|llameme|devuélvanme la llamada|me pueden llamar|me puede llamar|pueden llamarme|puede llamarme|devolverme la llamada|me devuelvan la llamada)\b/g, 'call me back'],
  [/\b(?:que )?alguien (?:me|nos) (?:llame|llamen|pueda llamar|devuelva la llamada|contacte)\b/g, 'someone to call me back'],
  [/\b(?:una llamada de vuelta|devolución de llamada|devolucion de llamada)\b/g, 'a callback'],
  [/\b(?:dejar|dejarle|dejarles) (?:un )?(?:mensaje|recado)\b/g, 'leave a message'],
  [/\b(?:me interesa|nos interesa|estoy interesad[oa]|estamos interesad[oa]s)\b/g, "i'm interested in"],
  [/\b(?:quiero|queremos|quisiera|quisiéramos) (?:contratar|empezar|comenzar)\b/g, 'i want to get started'],
  [/\b(?:quiero|quisiera|queremos|necesito) cancelar\b/g, 'i want to cancel'],
  [/\bme (?:cobraron|cobraste|cobró|cobro) (?:dos veces|de más|de mas)\b/g, 'i was charged twice'],
  [/\b(?:número equivocado|numero equivocado|me equivoqué de número|me equivoque de numero)\b/g, 'wrong number'],
  [/\bno me interesa\b/g, 'not interested'],
  // Who the caller is speaking with.
  [/\b(?:con )?(?:quién|quien) (?:hablo|estoy hablando|me atiende)\b/g, 'who is this'],
  [/\b(?:eres|es usted|es) (?:un |una )?(?:robot|máquina|maquina|contestadora)\b/g, 'are you a robot'],
  [/\b(?:eres|es usted) (?:una )?(?:persona|humano|humana|persona real)\b/g, 'are you a real person'],
  // Questions. "Quería saber ..." puts the question after it, as "I was wondering ..." does.
  [/\b(?:y )?(?:quería|queria|quisiera|quiero|queríamos|queriamos|me gustaría|me gustaria|necesito) saber(?: si)?\b/g, 'i was wondering'],
  [/\b(?:cuánto|cuanto) (?:cuesta|cuestan|vale|valen|cobran|es el precio)\b/g, 'how much does it cost'],
  [/\b(?:qué|que) precio\b/g, 'what price'],
  [/\bprecios?\b/g, 'price'],
  [/\b(?:qué|que) incluye\b/g, 'what does it include'],
  [/\bincluye\b/g, 'includes'],
  [/\b(?:prueba gratis|prueba gratuita|periodo de prueba|período de prueba|prueba)\b/g, 'free trial'],
  [/\b(?:a qué hora|a que hora) (?:abren|cierran)\b/g, 'what are your hours'],
  [/\b(?:cuál|cual) es (?:su|el) horario\b/g, 'what are your hours'],
  [/\bhorarios?\b/g, 'hours'],
  [/\b(?:abren|están abiertos|estan abiertos)\b/g, 'are you open'],
  [/\b(?:integra|integran|se conecta|se conectan|funciona) con\b/g, 'integrate with'],
  [/\bintegraciones\b/g, 'integrations'],
  [/\bcontrato\b/g, 'contract'],
  [/\bminutos (?:extra|adicionales|de más|de mas)\b/g, 'extra minutes'],
  [/\bminutos\b/g, 'minutes'],
  [/\b(?:instalación|instalacion|configuración|configuracion)\b/g, 'setup'],
  [/\b(?:grabación|grabacion|graban|grabar)\b/g, 'recording'],
  [/\b(?:privacidad|mis datos|los datos|datos)\b/g, 'data privacy'],
  [/\bidiomas?\b/g, 'languages'],
  [/\b(?:dónde|donde) (?:están|estan|se encuentran)\b/g, 'where are you located'],
  [/\b(?:auditoría|auditoria)\b/g, 'audit'],
  [/\bpiloto\b/g, 'pilot'],
  [/\btarjeta de crédito|tarjeta de credito\b/g, 'credit card'],
  [/\b(?:cuánto tiempo|cuanto tiempo) (?:tarda|tardan|toma)\b/g, 'how long does it take'],
  [/\bfactura\b/g, 'invoice'],
  [/\b(?:hablan|habla) español\b/g, 'do you speak spanish'],
  [/\b(?:contestar|contesta|contestan|atender|atiende|atienden) (?:las )?llamadas en (?:español|espanol)\b/g,
    'answer calls in spanish'],
  [/\ben (?:español|espanol)\b/g, 'in spanish'],
  [/\ben (?:inglés|ingles)\b/g, 'in english'],
  // Yes, no, thanks, goodbye.
  [/^(?:sí|si)\b/g, 'yes'],
  [/\b(?:claro que sí|claro|correcto|exacto|está bien|esta bien|de acuerdo|perfecto|por supuesto)\b/g, 'yes'],
  [/^no\b/g, 'no'],
  [/\b(?:eso es todo|nada más|nada mas|es todo)\b/g, "that's all"],
  [/\b(?:muchas gracias|gracias)\b/g, 'thanks'],
  [/\b(?:adiós|adios|hasta luego|chao|nos vemos)\b/g, 'bye'],
  [/\b(?:hola|buenos días|buenos dias|buenas tardes|buenas noches|buenas)\b/g, 'hello'],
  [/\bpor favor\b/g, 'please'],
  // Times and days.
  [/\bpasado mañana\b/g, 'the day after tomorrow'],
  [/\bmañana por la mañana\b/g, 'tomorrow morning'],
  [/\bmañana por la tarde\b/g, 'tomorrow afternoon'],
  // After an hour, the part of the day is AM or PM; on its own ("el viernes por la mañana") it is the part of the day.
  [new RegExp(`\\b(${SPANISH_HOUR}) (?:de|por|en) la (?:mañana|manana)\\b`, 'g'), '$1 am'],
  [new RegExp(`\\b(${SPANISH_HOUR}) (?:de|por|en) la (?:tarde|noche)\\b`, 'g'), '$1 pm'],
  [/\b(?:de|por|en) la (?:mañana|manana)\b/g, 'in the morning'],
  [/\b(?:de|por|en) la tarde\b/g, 'in the afternoon'],
  [/\b(?:de|por|en) la noche\b/g, 'in the evening'],
  [/\b(?:mañana|manana)\b/g, 'tomorrow'],
  [/\bhoy\b/g, 'today'],
  [/\bmediodía|mediodia\b/g, 'noon'],
  [/\b(?:a eso de las|como a las|sobre las|alrededor de las|a eso de la|como a la)\b/g, 'at'],
  [/\ba las\b|\ba la\b/g, 'at'],

  [/\bel próximo|el proximo|la próxima|la proxima\b/g, 'next'],
  [/\bsemana\b/g, 'week'],
  // Timelines: "este mes", "el próximo mes", "lo antes posible".
  [/\b(?:lo antes posible|cuanto antes|lo más pronto posible|lo mas pronto posible)\b/g, 'as soon as possible'],
  [/\b(?:este|esta) (week|mes|año|ano)\b/g, 'this $1'],
  [/\bmeses\b/g, 'months'],
  [/\bmes\b/g, 'month'],
  [/\b(?:año|ano)\b/g, 'year'],
  [/\blunes\b/g, 'monday'],
  [/\bmartes\b/g, 'tuesday'],
  [/\bmiércoles|miercoles\b/g, 'wednesday'],
  [/\bjueves\b/g, 'thursday'],
  [/\bviernes\b/g, 'friday'],
  [/\bsábado|sabado\b/g, 'saturday'],
  [/\bdomingo\b/g, 'sunday'],
  [/\b(at \d{1,2}) y media\b/g, '$1:30'],
  [/\b(at \d{1,2}) y cuarto\b/g, '$1:15'],
  // ("y media" after the digits: see below.)
  // Hours after "at" become digits ("a las tres y media" → "at 3:30").
  [/\b(at) una\b/g, '$1 1'],
  [/\b(at) uno\b/g, '$1 1'],
  [/\b(at) dos\b/g, '$1 2'],
  [/\b(at) tres\b/g, '$1 3'],
  [/\b(at) cuatro\b/g, '$1 4'],
  [/\b(at) cinco\b/g, '$1 5'],
  [/\b(at) seis\b/g, '$1 6'],
  [/\b(at) siete\b/g, '$1 7'],
  [/\b(at) ocho\b/g, '$1 8'],
  [/\b(at) nueve\b/g, '$1 9'],
  [/\b(at) diez\b/g, '$1 10'],
  [/\b(at) once\b/g, '$1 11'],
  [/\b(at) doce\b/g, '$1 12'],
];

const WORD_EDGE = '(?:(?<![\\p{L}\\p{N}])(?=[\\p{L}\\p{N}])|(?<=[\\p{L}\\p{N}])(?![\\p{L}\\p{N}]))';
/** The rules with Unicode word edges (JavaScript's \\b does not know "í" or "ñ" are letters). */
const UNICODE_RULES: [RegExp, string][] = RULES.map(([re, to]) => [
  new RegExp(re.source.replaceAll('\\b', WORD_EDGE), re.flags.includes('u') ? re.flags : `${re.flags}u`),
  to,
]);

/** The English gloss of a Spanish utterance (lower case; names keep their capitals). */
export function glossSpanish(text: string): string {
  let out = text.replace(/[¿¡]/g, ' ').replace(/\s+/g, ' ').trim();
  // Cue words are matched in lower case; a capitalised word that is not common Spanish (a name) is kept.
  out = out.replace(/[\p{L}']+/gu, (w) => (/^\p{Lu}/u.test(w) && !FUNCTION_WORDS.has(w.toLowerCase()) ? w : w.toLowerCase()));
  for (const [re, to] of UNICODE_RULES) out = out.replace(re, to);
  out = markCompanyFrom(out);
  // Half and quarter hours once the hour is a digit.
  out = out.replace(/\b(at \d{1,2}) y media\b/g, '$1:30').replace(/\b(at \d{1,2}) y cuarto\b/g, '$1:15');
  return out.replace(/\s+:/g, ':').replace(/\s+/g, ' ').trim();
}
