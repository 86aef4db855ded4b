/**
 * The caller's answer to "may we record this call?". Only a plain yes is consent; a no, an
 * unclear answer, silence or a question all mean the call goes on unrecorded.
 */
const NO = /\b(no|nope|nah|don'?t|do not|rather not|prefer not|not really|never|no gracias|prefiero que no)\b/i;
const YES = /\b(yes|yeah|yep|yup|sure|ok|okay|fine|go ahead|of course|absolutely|that'?s fine|s[ií]|claro|de acuerdo|est[aá] bien|vale|adelante)\b/i;

export type ConsentAnswer = 'given' | 'declined';

/** 'given' for a plain yes, 'declined' for a no; null when the words are neither. */
export function consentAnswer(text: string | undefined): ConsentAnswer | null {
  if (!text) return null;
  if (NO.test(text)) return 'declined';
  if (YES.test(text)) return 'given';
  return null;
}
