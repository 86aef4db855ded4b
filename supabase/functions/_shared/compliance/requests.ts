/**
 * A caller's privacy requests, recognised in their own words (English and Spanish): to have
 * their data deleted, or not to be called again. They are answered by the call flow itself,
 * whatever provider runs the conversation, because the answer is a commitment the database
 * makes (a task for the team; an entry on the do-not-call list).
 */
export type PrivacyRequest = 'erasure' | 'do_not_call';

const ERASURE = [
  /\b(delete|erase|remove|wipe|purge)\b[^.?!]{0,30}\b(my|all my|our|all of my|the)\b[^.?!]{0,20}\b(data|information|info|details|records?|personal)\b/i,
  /\b(forget me|right to be forgotten|data deletion|deletion request)\b/i,
  /\b(borr|elimin|suprim)(ar|en|e|a)\b[^.?!]{0,30}\b(mis|sus|los|todos mis)?\s*(datos|informaci[oó]n)\b/i,
];

const DO_NOT_CALL = [
  /\b(don'?t|do not|never|stop)\s+(ever\s+)?(call|calling|phone|phoning|ring|ringing)\s+(me|us|this number|my number)(\s+again|\s+anymore|\s+any more)?\s*(\.|!|$|,?\s*(please|ever|thanks))/i,
  /\b(take|remove|put)\s+(me|my number|this number)\s+(off|from|on)\s+(your|the)\s+(call(ing)?|phone|contact|do[- ]not[- ]call)\s+list\b/i,
  /\bdo[- ]not[- ]call list\b/i,
  /\bno\s+(me\s+)?(vuelvan a\s+)?llam(en|e|ar)(me)?\s*(m[aá]s|nunca)?\b/i,
];

/** The privacy request in what the caller said, if any (erasure wins when both are asked). */
export function privacyRequest(text: string | undefined): PrivacyRequest | null {
  if (!text) return null;
  if (ERASURE.some((re) => re.test(text))) return 'erasure';
  if (DO_NOT_CALL.some((re) => re.test(text))) return 'do_not_call';
  return null;
}
