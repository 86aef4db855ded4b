/**
 * Everything the local engine says, in Spanish (usted, neutral Latin American Spanish). The same
 * keys as the English table; prices and promises come only from knowledge articles and tools.
 */
import { describeHours } from '../hours.ts';
import type { AgentConfig } from '../types.ts';
import type { Phrases } from './phrases.ts';

const first = (name?: string | null) => (name ? name.trim().split(/\s+/)[0] : '');
const comma = (name?: string | null) => (name ? `, ${first(name)}` : '');

export const es: Phrases = {
  ask: {
    name: (again: boolean) => (again ? 'Perdón, ¿me repite su nombre?' : '¿Me dice su nombre, por favor?'),
    nameForCallback: () => '¿Y me dice su nombre, para que sepan por quién preguntar?',
    company: (_noun?: string) => '¿Y cómo se llama su empresa o negocio?',
    email: (again: boolean) =>
      again
        ? 'Perdón, no capté el correo completo. ¿Me lo repite, por ejemplo: ana arroba ejemplo punto com?'
        : '¿Cuál es el mejor correo electrónico para contactarle?',
    need: () => '¿Qué le gustaría que el asistente de voz hiciera por usted?',
    timeline: () => '¿Y para cuándo le gustaría empezar?',
    timelineAgain: () => 'Perdón, me refería a la fecha: ¿más o menos cuándo le gustaría empezar?',
    when: (who?: string) =>
      `¿Cuándo le viene bien que ${who ? first(who) : 'alguien del equipo'} le devuelva la llamada?`,
    whenTime: (day: string) => `¿A qué hora ${day} le viene mejor?`,
    phone: () => '¿Cuál es el mejor número para llamarle, con el código de área?',
  },
  thanksName: (name: string) => `Gracias${comma(name)}.`,
  gotCompany: () => 'Perfecto.',
  gotEmail: (spoken: string) => `Anotado: ${spoken}.`,
  gotPhone: (spoken: string) => `Gracias, tengo el ${spoken}.`,
  noted: () => 'Gracias, lo he anotado.',
  skipOk: () => 'No hay problema.',
  callbackPhone: (_who: string | undefined, lastFour: string) =>
    `Es al número desde el que llama, que termina en ${lastFour}. ¿Es el mejor número?`,
  confirmPhoneAgain: (lastFour: string) => `¿El número que termina en ${lastFour} es el mejor para llamarle?`,
  callbackPhoneOther: (_who: string | undefined, spoken: string) => `Le llamarán al ${spoken}.`,
  bookedOnLeaving: (who: string | undefined, when: string) =>
    `He agendado que ${who ? first(who) : 'el equipo'} le devuelva la llamada en el próximo horario de atención, ${when}.`,
  taskConfirm: (who: string | undefined, topic: string | undefined, when: string) =>
    `Sí. ${topic ? `La nota dice que es sobre ${topic}, y ` : ''}${
      who ? first(who) : 'alguien del equipo'
    } le devolverá la llamada ${when}.`,
  allSet: () => 'Perfecto, ya está todo listo.',
  leadConfirm: (parts: string) => `Para confirmar, tengo ${parts}. ¿Es correcto?`,
  leadDone: (name: string | undefined) => `Gracias${comma(name)}. Nuestro equipo se pondrá en contacto pronto.`,
  fixWhat: () => 'Disculpe. ¿Qué debo corregir: su nombre, su empresa o su correo?',
  anythingElse: () => '¿Hay algo más en lo que pueda ayudarle?',
  anythingElseShort: () => '¿Algo más?',
  whatElse: () => 'Claro, ¿en qué más puedo ayudarle?',
  welcome: (name?: string | null) => `De nada${comma(name)}.`,
  goodbye: (name?: string | null) => `Gracias por llamar${comma(name)}. Que tenga un buen día. ¡Adiós!`,
  messageInstead: (member?: string) =>
    `Entendido, sin devolución de llamada. Ahora no hay nadie, así que no puedo comunicarle, pero le pasaré su mensaje a ${member ?? 'nuestro equipo'} para cuando vuelvan.`,
  messagePassed: (member?: string) => `Le pasaré su mensaje a ${member ?? 'nuestro equipo'}.`,
  wrongNumber: (business: string) =>
    `No se preocupe. Esto es ${business}, así que parece que marcó un número equivocado. Que tenga un buen día. ¡Adiós!`,
  hello: () => '¡Hola! ¿En qué puedo ayudarle hoy?',
  hearing: () => 'Sí, le escucho. ¿En qué puedo ayudarle?',
  notInterested: () => 'Entendido, se lo comunicaré al equipo. Gracias por su tiempo. ¡Adiós!',
  gotIt: () => 'Entendido.',
  noTime: () => 'Perdón, no capté el día y la hora.',
  hold: () => 'Claro, tómese su tiempo. Aquí estoy.',
  helpWith: (name?: string | null) => `Mucho gusto${comma(name)}. ¿En qué puedo ayudarle hoy?`,
  howCanIHelp: () => '¿En qué puedo ayudarle hoy?',
  interested: () => 'Excelente, con gusto le ayudamos.',
  connecting: (sorry: boolean) => (sorry ? 'Lamento mucho lo ocurrido. ' : 'Claro. '),
  offerTransfer: (name: string | null | undefined, member: string) =>
    `Lamento mucho lo ocurrido${comma(name)}. Puedo comunicarle con ${member}, que puede resolverlo ahora mismo. ¿Quiere que le comunique?`,
  offerTransferCalm: (member: string) => `${member}, de nuestro equipo, se encarga de eso. ¿Quiere que le comunique?`,
  afterHoursSorry: () => 'Lamento lo ocurrido.',
  declinedTransfer: () => 'No hay problema. ¿En qué más puedo ayudarle?',
  declinedCallback: () => 'De acuerdo.',
  missedTransfer: (member: string) =>
    `Lo siento, ${first(member)} no pudo contestar ahora. Puedo pedirle que le devuelva la llamada.`,
  notAvailable: (member: string) =>
    `${first(member)} no está disponible ahora, pero puedo pedirle que le devuelva la llamada.`,
  refuse: (business: string) =>
    `No puedo compartir eso ni salir de mi función, pero con gusto le ayudo con preguntas sobre ${business}, nuestros servicios y precios, o a agendar una llamada con el equipo.`,
  offTopic: (business: string) =>
    `Eso está fuera de lo que puedo atender, pero con gusto respondo preguntas sobre ${business}, nuestros servicios y precios, o agendo una llamada con el equipo.`,
  notSpecific: (thing: string | null) =>
    `No tengo detalles ${
      thing ? `sobre ${thing} en particular` : 'más allá de eso'
    }, pero alguien del equipo puede contarle más. ¿Quiere que le devuelvan la llamada?`,
  questionForTeam: () => 'No tengo ese dato aquí, pero el equipo se lo puede responder cuando le contacte.',
  unknownFact: () =>
    'No tengo ese dato, pero alguien del equipo puede darle seguimiento. ¿Quiere que le devuelvan la llamada?',
  repair: () =>
    'Perdón, no le entendí bien. Puedo tomar un mensaje o agendar que le devuelvan la llamada. ¿Me lo dice de otra forma?',
  asMentioned: () => 'Como le comentaba,',
  notOnList: (thing: string) => `No veo ${thing} en nuestra lista de integraciones.`,
  repairOffer: (open: boolean) =>
    open
      ? 'Disculpe, me está costando entenderle. ¿Quiere que le comunique con alguien del equipo?'
      : 'Disculpe, me está costando entenderle. ¿Quiere que alguien del equipo le devuelva la llamada?',
  identity: (business: string) =>
    `Soy el asistente virtual de ${business}. Puedo responder preguntas, tomar sus datos, agendar una llamada o comunicarle con el equipo.`,
  keypad: () => 'Perdón, no puedo usar el teclado para eso. Marque 0 para hablar con una persona, o dígame en qué puedo ayudarle.',
  stillThere: (n: number) => (n <= 1 ? '¿Sigue ahí?' : 'Disculpe, no escucho nada.'),
  silenceLost: () => 'Parece que se perdió la conexión.',
  silenceBye: () => 'Llámenos cuando quiera. ¡Adiós!',
  sameNumber: () => 'Claro, usaremos el número desde el que llama.',
  memory: {
    name: (name: string) => `Le tengo registrado como ${name}.`,
    company: (company: string) => `Tengo su empresa como ${company}.`,
    email: (email: string) => `Tengo su correo como ${email}.`,
    phone: (phone: string) => `Tengo su número como ${phone}.`,
    missing: (field: string) => `Creo que aún no tengo su ${({ name: 'nombre', company: 'empresa', email: 'correo', phone: 'número' } as Record<string, string>)[field] ?? field}.`,
    onFile: (field: string) =>
      `Puede que tengamos su ${({ name: 'nombre', company: 'empresa', email: 'correo', phone: 'número' } as Record<string, string>)[field] ?? field} registrado, pero no puedo leer datos guardados por teléfono.`,
  },
  hours: (config: AgentConfig, open: boolean) => {
    const hours = describeHours(config, 'es');
    const base = hours ? `Abrimos ${hours}.` : 'No tenemos un horario fijo.';
    const holidays = config.holidays?.length ? ' Cerramos los días festivos.' : '';
    const now = open ? '' : ' Ahora estamos cerrados, pero puedo tomar un mensaje o agendar que le devuelvan la llamada.';
    return base + holidays + now;
  },
};
