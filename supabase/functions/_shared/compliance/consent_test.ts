import { assertEquals } from '../testing/assert.ts';
import { consentAnswer } from './consent.ts';
import { withDisclosures } from './greeting.ts';

Deno.test('consent: only a plain yes records; no, unclear and silence do not', () => {
  for (const yes of ['Yes', 'yeah sure', 'Okay, go ahead', 'sí, claro', 'That is fine']) assertEquals(consentAnswer(yes), 'given', yes);
  for (const no of ['No', "No, I'd rather not", "please don't", 'no gracias', 'yes... actually no']) {
    assertEquals(consentAnswer(no), 'declined', no);
  }
  for (const unclear of ['How much is the starter plan?', '', undefined]) assertEquals(consentAnswer(unclear), null);
});

Deno.test('greeting: AI disclosure and the recording notice, in the call\'s language', () => {
  const greeting = "Thanks for calling LegacyAI. How can I help you today?";
  const base = { language: 'en-US', ai_disclosure: true, recording_mode: 'off' as const };
  assertEquals(withDisclosures(greeting, base),
    "Thanks for calling LegacyAI. You're speaking with an AI assistant. How can I help you today?");
  assertEquals(withDisclosures(greeting, { ...base, ai_disclosure: false }), greeting);
  assertEquals(withDisclosures(greeting, { ...base, recording_mode: 'announce' }),
    "Thanks for calling LegacyAI. You're speaking with an AI assistant. " +
      'This call is recorded for quality and training. How can I help you today?');
  assertEquals(withDisclosures(greeting, { ...base, recording_mode: 'ask' }),
    "Thanks for calling LegacyAI. You're speaking with an AI assistant. " +
      'May we record this call for quality? Please say yes or no.');
  assertEquals(withDisclosures('Gracias por llamar a LegacyAI. ¿En qué puedo ayudarle?', { ...base, language: 'es-US',
    recording_mode: 'ask' }),
    'Gracias por llamar a LegacyAI. Está hablando con un asistente de inteligencia artificial. ' +
      '¿Podemos grabar esta llamada para control de calidad? Diga sí o no, por favor.');
});
