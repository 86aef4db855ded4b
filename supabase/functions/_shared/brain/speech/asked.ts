/**
 * What a caller's question is about, as a short note ("pricing of the voice agent", "a free trial",
 * "whether we work with veterinary clinics"). Shared by the engine (to infer a lead's need from what
 * they asked earlier) and the post-call analyser (to list what the caller asked about).
 */
import { looksLikeQuestion, utterance } from './text.ts';

/** Aspects a question can ask about, checked in order; the first that matches names the aspect. */
const ASPECTS: [RegExp, string][] = [
  [
    /\b(?:how much|cost|costs|price|prices|pricing|charge|charges|fee|fees|expensive|cheap|afford)\b/,
    'pricing',
  ],
  [/\b(?:include|includes|included|come with|comes with)\b/, "what's included in"],
  [
    /\b(?:how long|how quickly|how fast|how soon|set up|setup|onboard\w*|go live|up and running)\b/,
    'setup time',
  ],
  [/\b(?:trial|try it|try out|test drive|free version|pilot)\b/, 'a trial'],
  [/\b(?:integrat\w*|connect to|connects to|crm|plug into|sync)\b/, 'integrations'],
  [/\b(?:contract|commitment|cancel|cancellation|notice period)\b/, 'contract terms'],
  [/\b(?:spanish|language|languages|bilingual)\b/, 'languages'],
  [/\b(?:privacy|secure|security|encrypted|gdpr|hipaa)\b/, 'data privacy'],
  [/\b(?:record|records|recorded|recording)\b/, 'call recording'],
  [/\b(?:minutes|overage|per minute)\b/, 'call minutes'],
  [/\b(?:open|hours|close|closed|closing)\b/, 'opening hours'],
  [/\b(?:where are you|located|location|based|headquarters|address)\b/, 'location'],
];

/** Questions that are about the call itself, not the business. */
const NOT_A_TOPIC =
  /\b(?:hear me|repeat|say that again|still there|who is this|who am i|are you (?:a |an )?(?:robot|real|human|person|bot|ai)|speak (?:to|with)|talk (?:to|with)|transfer|call me back|callback|my name|what's my|what is my|did you get)\b/;

/** Words that end a noun phrase after its determiner. */
const PHRASE_END = new Set(
  ('cost costs do does work works include includes take takes have has come comes support supports handle ' +
    'handles need needs mean means run runs charge charges cover covers offer offers is are was were can could ' +
    'would will should and or but if for to with per a an the that which who when how what in on at by of ' +
    'right exactly really please').split(' '),
);

const YES_NO =
  /^(?:and |so |also |but |um |uh |ok |okay |hi |hey |hello |well )*(?:do|does|can|could|will|would|are|is) (you|your (?:company|team|business|agent|system|product)|it|the (?:voice )?agent|the system) (?:also |even |actually )?(.+)$/;

/** Third-person wording for a note about the caller ("my office" → "their office"). */
export function aboutThem(text: string): string {
  return text
    .replace(/\b(?:my|our)\b/gi, 'their')
    .replace(/\b(?:me|us)\b/gi, 'them')
    .replace(/\b(?:i'm|we're)\b/gi, "they're")
    .replace(/\b(?:i|we)\b/g, 'they');
}

function words(text: string): string[] {
  return text.replace(/[’]/g, "'").match(/[A-Za-z0-9$]+(?:['-][A-Za-z0-9]+)*/g) ?? [];
}

/** "the voice agent" from "how much does the voice agent cost", keeping the caller's casing. */
function subjectOf(raw: string): string | null {
  const ws = words(raw);
  for (let i = 0; i < ws.length; i++) {
    const det = ws[i].toLowerCase();
    if (!['the', 'your', 'a', 'an', 'this'].includes(det)) continue;
    const out: string[] = [];
    for (let j = i + 1; j < ws.length && out.length < 4; j++) {
      if (PHRASE_END.has(ws[j].toLowerCase())) break;
      out.push(ws[j]);
    }
    if (!out.length) continue;
    if (/^(?:price|prices|pricing|cost|costs|fee|fees|hours|setup|contract|minutes)$/i.test(out.join(' '))) {
      continue;
    }
    return `${det === 'your' || det === 'this' ? 'the' : det} ${out.join(' ')}`;
  }
  return null;
}

/**
 * What a question asks about, as a phrase for a note, or null when it is not a question about the
 * business (a hearing check, a request for a person) or says nothing specific.
 */
export function questionTopic(raw: string): string | null {
  const sentences = raw.split(/(?<=[.!?])\s+/);
  const sentence = sentences.find((s) => s.includes('?')) ??
    sentences.find((s) => looksLikeQuestion(utterance(s))) ?? raw;
  const text = sentence.toLowerCase().replace(/[’]/g, "'").replace(/[?!.]+$/, '').trim();
  if (!text || NOT_A_TOPIC.test(text)) return null;
  const aspect = ASPECTS.find(([re]) => re.test(text))?.[1];
  const subject = subjectOf(sentence);
  if (aspect && subject) {
    if (aspect === 'a trial' || subject.toLowerCase().includes(aspect.replace(/^a /, ''))) return subject;
    return aspect.endsWith(' in') ? `${aspect} ${subject}` : `${aspect} of ${subject}`;
  }
  if (aspect) return aspect.endsWith(' in') ? "what's included" : aspect;
  const yesNo = YES_NO.exec(text.replace(/^.*?[,;]\s*/, ''));
  if (yesNo) {
    const who = /^(?:you|your)/.test(yesNo[1]) ? 'we' : 'it';
    const rest = words(yesNo[2]).slice(0, 8).join(' ');
    if (rest.split(' ').length >= 2) return `whether ${who} ${aboutThem(rest)}`;
  }
  return subject;
}

/** The distinct topics of the caller's questions, in the order asked (at most `max`). */
export function askedTopics(texts: string[], max = 3): string[] {
  const out: string[] = [];
  for (const t of texts) {
    if (!looksLikeQuestion(utterance(t))) continue;
    const topic = questionTopic(t);
    if (topic && !out.some((o) => o.toLowerCase() === topic.toLowerCase())) out.push(topic);
  }
  return out.slice(0, max);
}
