/**
 * What the agent says about privacy, in the call's language: the AI disclosure, the recording
 * announcement and question, the warning after a caller spoke card or bank details, and the
 * answers to "delete my data" and "don't call me". English and Spanish; other languages get
 * English. Kept here (not in the brain) so every provider and every voice mode says the same.
 */

export type NoticeLanguage = 'en' | 'es';

const NOTICES = {
  en: {
    aiDisclosure: "You're speaking with an AI assistant.",
    recordingAnnounce: 'This call is recorded for quality and training.',
    recordingQuestion: 'May we record this call for quality? Please say yes or no.',
    recordingYes: "Thank you, the call is now being recorded. How can I help you?",
    recordingNo: "No problem, this call won't be recorded. How can I help you?",
    cardWarning: "For your security, please don't share card or bank details over the phone: I've left them out.",
    deletionRequested:
      "I've passed your request to delete your data to our team. They'll confirm it, and it's done within 30 days. Is there anything else?",
    doNotCall: "Understood: I've added your number to our do-not-call list, so we won't call you. Is there anything else?",
    deletionUnknown:
      "I can't tie this call to a phone number, so please send your deletion request by email and the team will handle it. Is there anything else?",
    recordingOff: "This call won't be recorded.",
  },
  es: {
    aiDisclosure: 'Está hablando con un asistente de inteligencia artificial.',
    recordingAnnounce: 'Esta llamada se graba para control de calidad.',
    recordingQuestion: '¿Podemos grabar esta llamada para control de calidad? Diga sí o no, por favor.',
    recordingYes: 'Gracias, la llamada se está grabando. ¿En qué puedo ayudarle?',
    recordingNo: 'De acuerdo, esta llamada no se grabará. ¿En qué puedo ayudarle?',
    cardWarning:
      'Por su seguridad, no comparta datos de tarjetas ni de cuentas bancarias por teléfono: no los he guardado.',
    deletionRequested:
      'He pasado su solicitud de borrar sus datos a nuestro equipo. La confirmarán y se hace en un plazo de 30 días. ¿Algo más?',
    doNotCall: 'Entendido: he añadido su número a nuestra lista de no llamar, así que no le llamaremos. ¿Algo más?',
    deletionUnknown:
      'No puedo asociar esta llamada a un número, así que envíe su solicitud de borrado por correo y el equipo la atenderá. ¿Algo más?',
    recordingOff: 'Esta llamada no se grabará.',
  },
} as const;

export type NoticeKey = keyof typeof NOTICES.en;

/** 'es' for a Spanish language code (es, es-US, es-MX...), else 'en'. */
export function noticeLanguage(code: string | null | undefined): NoticeLanguage {
  return /^es\b/i.test(code ?? '') ? 'es' : 'en';
}

export function notice(key: NoticeKey, language: string | null | undefined): string {
  return NOTICES[noticeLanguage(language)][key];
}

const SPANISH_WORDS = /\b(hola|quiero|quisiera|necesito|mi|mis|tarjeta|número|numero|gracias|por favor|llamen|llamar|borrar|borren|datos|cuenta|usted|sí|buenos|buenas|es|está|tengo|puede)\b/gi;

/**
 * The language to answer in: the one the call has settled on (state.language, when the brain
 * keeps one), else Spanish when the caller's words are plainly Spanish, else the agent's.
 */
export function callLanguage(state: Record<string, unknown>, configLanguage: string, callerText = ''): string {
  if (typeof state.language === 'string' && state.language) return state.language;
  if ((callerText.match(SPANISH_WORDS) ?? []).length >= 2) return 'es';
  return configLanguage;
}
