/**
 * The cue phrases of each intent, as regular expressions over `Utterance.text` (lower case, single
 * spaces, punctuation as separate tokens). They describe kinds of request, not example sentences:
 * a request verb with a first-person subject and a person as its object is a request for a human;
 * a negation earlier in the same clause cancels a cue.
 */

const P = (s: string) => new RegExp(s);

/** Who a caller may ask for. Team members' names are added at run time. */
export const PERSON = String
  .raw`(?:a |an |the |some |your |one of your |one of the )?(?:real |live |actual |human |sales |support |technical |tech |billing |customer service |account )?(?:persons?|human being|humans?|someone|somebody|anyone|anybody|representatives?|reps?|operators?|managers?|supervisors?|staff|team members?|salespeople|salesperson|sales team|sales department|team|people|engineers?|owner|founder|agents?|customer service|support team|support)\b`;

/** Words allowed between a first-person subject and the verb ("I just really need to talk"). */
const SUBJECT_GAP = String
  .raw`(?: (?:just|really|would|'d|like|want|wanna|need|to|have|gotta|please|can|could|may|actually|rather|prefer|am|'m|trying|hoping|be|able|go|ahead|and|also|now|quickly|maybe|possibly|first|do|i|like))*`;
const FIRST_PERSON = String.raw`(?:\bi\b|\bi'd\b|\bi'm\b|\bim\b|\bwe\b|\bwe'd\b|\blet me\b|\bme\b)`;

export function humanRequestPatterns(names: string[]): RegExp[] {
  const who = names.length ? `(?:${PERSON}|${names.join('|')})` : PERSON;
  return [
    P(String.raw`${FIRST_PERSON}${SUBJECT_GAP} (?:talk|speak|chat) (?:to|with) ${who}\b`),
    P(String.raw`(?:^|[.,!?] |please |just |ok |okay |yes |no |yeah )(?:talk|speak) (?:to|with) ${who}\b`),
    P(String.raw`\b(?:transfer|connect|put) me\b`),
    P(String.raw`\breturning (?:\w+'s |your |a |his |her |their |the )?(?:phone )?call\b`),
    P(String.raw`\b(?:transfer|connect|put) (?:the call|this call|my call) (?:to|through)\b`),
    P(String.raw`\b(?:get|give|find) me ${who}\b`),
    P(String
      .raw`${FIRST_PERSON}${SUBJECT_GAP} (?:need|want|'d like|would like|like) (?:to get |to have )?(?:a |an )?(?:real |live |actual )?(?:person|human|representative|operator|manager|supervisor|rep)\b`),
    P(String
      .raw`\b(?:someone|somebody|anyone|a person|a human|a real person)(?: there)? (?:i|we) (?:can|could) (?:talk|speak|chat)\b`),
    P(String
      .raw`${FIRST_PERSON}${SUBJECT_GAP} (?:need|want|'d like|would like) (?:someone|somebody|a person|an engineer|a technician) (?:to (?!call|ring|phone|get back|reach|contact|email)|who)`),
    P(String
      .raw`^(?:(?:um|uh|ok|okay|yes|yeah|hi|hello|just|can i get|can i have|i want|give me|get me) )*(?:a |an |the )?(?:real |live |actual )?(?:person|human|representative|operator|agent|rep|somebody|someone)(?: please)?(?: [.!?])?$`),
    ...(names.length
      ? [P(String.raw`\bis (?:${names.join('|')}) (?:there|available|in|around|free|about)\b`)]
      : []),
  ];
}

export const CALLBACK = [
  P(String.raw`\b(?:call|ring|phone) (?:me|us) back\b`),
  P(String.raw`\b(?:call ?back|callback|call-back|call back)\b`),
  P(String
    .raw`\b(?:have|get|ask) (?:someone|somebody|him|her|them|one of (?:you|them|your \w+)|your \w+|the team|\w+) (?:to )?(?:call|ring|phone|contact|reach) (?:me|us)\b`),
  P(String
    .raw`\b(?:can|could|would|will) (?:someone|somebody|you|they|he|she|one of you|your team|anyone|\w+) (?:please )?(?:call|ring|phone|reach|contact) (?:me|us)\b`),
  P(String
    .raw`\b(?:schedule|book|set up|arrange|organi[sz]e|request|get|have) (?:a |an )?(?:quick |short |free )?(?:call|phone call|meeting|appointment|discovery call|consultation|time to talk)\b`),
  P(String
    .raw`\bcall me (?:tomorrow|later|today|on|at|next|this|in|monday|tuesday|wednesday|thursday|friday|saturday|sunday|around|after|before)\b`),
  P(String.raw`\bgive (?:me|us) a (?:call|ring)\b`),
];

/** "I don't want a callback", "no call back, please", "no me llamen": the caller refuses one. */
export const DECLINES_CALLBACK = P(String
  .raw`\b(?:(?:don't|dont|do not|won't|wont|doesn't) (?:want|need) (?:a |any |the )?(?:call ?back|callback|call-back|you to call)|no (?:call ?backs?|callbacks?)|not (?:a |another )?(?:call ?back|callback)|no (?:me )?(?:llamen|devuelvan la llamada))\b`);

export const LEAD = [
  // "We're a dental clinic looking into an AI receptionist", "I keep missing calls".
  P(String
    .raw`\b(?:i|we)(?:'m|'re| am| are)?\b[^.?!]{0,40}\b(?:looking (?:into|at|for) (?:an?|the|your|some) (?:ai|voice|virtual|phone|answering|receptionist|automated|new)|shopping around for)\b`),
  P(String
    .raw`\b(?:i|we) (?:keep |always |often |are |'re )?(?:missing|losing) (?:a lot of |so many |too many |some )?(?:calls|phone calls|customers|leads|bookings)\b`),
  P(String
    .raw`\binterested in\b|\b(?:i'm|im|i am|we're|we are) (?:very |really |definitely |quite |also )?interested\b`),
  P(String.raw`\bsign(?:ing)? (?:me |us )?up\b`),
  P(String
    .raw`\b(?:we|i) (?:keep |always |often |sometimes )?(?:miss|lose|can't answer|cannot answer|can't keep up with|don't have time to answer|struggle to answer|struggle with)\b`),
  P(String
    .raw`\bsend (?:me|us) (?:some |more )?(?:info|information|details|a brochure|a proposal|pricing)\b`),
  P(String
    .raw`\b(?:i|we)(?:'m|'re| am| are)? (?:looking (?:for|into|at|to get|to buy|to set up)|thinking (?:about|of)|considering|exploring|shopping (?:for|around)|in the market for)\b`),
  P(String
    .raw`\b(?:i|we)(?:'d| would| might| may| could| probably| definitely| really| also)? (?:like|want|need|wanna) (?:to )?(?:buy|purchase|sign up|start|try|order|get started|get one|get an?|get the|get your|automate|add|set up an?|use your)\b`),
  P(String
    .raw`\b(?:sign (?:me|us) up|get started|how (?:do|can) (?:i|we) (?:start|sign up|get started|buy|get one)|where do i sign)\b`),
  P(String.raw`\b(?:get|want|like|need|send me|request) (?:a |an )?(?:quote|proposal|demo|pilot|trial)\b`),
  P(String
    .raw`\b(?:i|we) (?:need|want) (?:a|an|some|something|help)(?: new)? (?:ai|voice|virtual|automated|phone|receptionist|assistant|agent|system|solution|tool|automation|chatbot|bot|answering|way|with (?:calls|our phones|the phones|scheduling|booking|leads|missed calls)|automating|answering|handling)\b`),
];

export const NEGATION =
  /\b(?:don't|do not|dont|doesn't|does not|didn't|did not|no need|not|never|nobody|no one|won't|will not|without|rather not|neither|nor)\b/;

export const COMPLAINT_REQUEST = P(
  String
    .raw`\b(?:make|file|lodge|register|have) (?:a )?complaint\b|\bi want to complain\b|\bcomplain about\b`,
);

export const BILLING_DISPUTE = [
  P(String
    .raw`\b(?:i|we)(?:'ve|'re| have| were| was| got| are| am|'m)?(?: been| being| just)? (?:charged|billed|overcharged|double charged|double billed|invoiced)\b`),
  P(String.raw`\b(?:my|our) (?:bill|invoice|card|statement|payment|charges?|billing)\b`),
  P(String
    .raw`\b(?:refund|overcharg\w*|double charg\w*|double bill\w*|charged twice|billed twice|charged me twice|wrong amount|extra charge|unexpected charge|incorrect (?:charge|bill|invoice)|dispute)\b`),
];

export const CANCEL_REQUEST = [
  P(String
    .raw`\b(?:i|we)(?:'d| would)?(?: really| just)?(?: like| want| need| wanna| have| am going| 'm going| are going| 're going| plan| 've decided| have decided| decided)?(?: to)? (?:cancel|terminate|discontinue)\b`),
  P(String
    .raw`\b(?:cancel|terminate|end|stop|close|quit|discontinue) (?:my|our) (?:account|subscription|plan|service|contract|agent|membership)\b`),
  P(String.raw`\b(?:cancell?ing|cancellation of) (?:my|our)\b`),
];

export const WRONG_NUMBER = [
  P(String
    .raw`\b(?:wrong number|wrong (?:line|company|business)|misdial\w*|mis-dial\w*|dial(?:l)?ed (?:the )?wrong|called (?:the )?wrong|meant to (?:call|dial)|not who i (?:meant|wanted|was trying) to)\b`),
  P(String
    .raw`\b(?:is this|isn't this|is this not|i was trying to (?:reach|call|get)|i'm trying to (?:reach|call|get)|looking for) (?:the )?(?:[a-z']+ ){0,3}(?:pizza|pharmacy|doctor|doctor's|dr|dentist|hospital|school|bank|hotel|restaurant|garage|residence|house|clinic|vet|salon|church|library|police|taxi|cab)\b`),
];

export const INJECTION = [
  P(String
    .raw`\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|rules?|prompts?|guidelines?|programming|directions?|everything|all that|previous|above|training|restrictions?)\b`),
  P(String
    .raw`\b(?:system|initial|original|hidden|secret) (?:prompt|instructions?|message|rules?|configuration)\b`),
  P(String.raw`\byour (?:prompt|instructions|programming|rules|configuration|guidelines)\b`),
  P(String.raw`\b(?:developer|admin|debug|god|jailbreak|dan) mode\b|\bjailbreak\b|\bsudo\b`),
  P(String
    .raw`\b(?:you are now|from now on,? you|pretend (?:to be|you're|you are|that you)|act as (?:a|an|my|if)|role ?play|new persona|new role|play the role)\b`),
  P(String
    .raw`\b(?:repeat|print|reveal|show|read|tell|say|recite|output|dump) (?:me )?(?:back )?(?:everything|all|the text|the words|word for word|verbatim|what you were told|your (?:\w+ )?(?:instructions|prompt|rules|setup))\b`),
  P(String.raw`\bwhat (?:were|are) you (?:told|instructed|programmed)\b`),
];

export const IDENTITY = [
  P(String
    .raw`\b(?:are you|is this|am i (?:talking|speaking) (?:to|with)) (?:a |an |the )?(?:real |actual |live )?(?:person|human|robot|bot|machine|ai|computer|recording|automated|artificial|real|answering machine)\b`),
  P(String.raw`\bwho (?:am i|is this|are you)\b|\bwhat are you\b|\bwhat(?:'s| is) your name\b`),
];

export const MEMORY = P(
  String
    .raw`\b(?:(?:what|which) (name|email|e-mail|number|phone number|company)(?: address)? (?:do you have|did i (?:give|say|tell)|have you got|are you using|you have)|(?:what's|what is|whats) my (name|email|e-mail|number|phone number|company)|(?:do|did) you (?:remember|know|have|get|catch|still have) my (name|email|e-mail|number|company)|remind me (?:of |what )?(?:my |the )?(name|email|e-mail|number|company)|who am i)\b`,
);

export const HOURS = P(
  String
    .raw`\b(?:time ?zone|hours|opening times?|open|closed?|closing|what time do you|business hours|office hours|working hours|weekends?|saturdays?|sundays?|holidays?)\b`,
);

export const GOODBYE = [
  P(String
    .raw`\b(?:bye|goodbye|good bye|bye-bye|see you|see ya|talk (?:to you )?later|take care|have a (?:good|great|nice|lovely) (?:day|one|night|evening|afternoon|weekend))\b`),
  P(String.raw`\b(?:that's|that is|thats) (?:all|it|everything|about it)\b`),
  P(String
    .raw`\b(?:nothing else|i'm all set|im all set|i'm good|im good|no thanks|no thank you|i'm done|we're done|that will be all|that'll be all|all good|that's all i needed|i have to go|i gotta go|got to go)\b`),
];

export const THANKS_ONLY =
  /^(?:(?:ok|okay|great|perfect|awesome|cool|alright|all right|thanks|thank you|thank you very much|thanks a lot|thanks so much|much appreciated|cheers|got it|sounds good|wonderful|excellent|lovely|nice|good|appreciate it|very much|so much)(?: [.,!])*\s*)+$/;
export const AFFIRM =
  /^(?:(?:oh |um |uh |well )?(?:yes|yeah|yep|yup|yea|sure|ok|okay|correct|right|absolutely|definitely|of course|certainly|please|please do|go ahead|sounds good|that works|that's right|that's correct|that's fine|fine|perfect|great|alright|all right|do it|that would be great|that'd be great|i would|i do|it is|that is|exactly|affirmative|sure thing|yes please)\b)/;
export const DENY =
  /^(?:(?:oh |um |uh |well )?(?:no|nope|nah|not really|not now|not right now|no thanks|no thank you|never mind|nevermind|i'm good|im good|don't|do not|that's wrong|incorrect|wrong|negative|i don't|i would not|i wouldn't|not yet|no need)\b)/;
export const HOLD =
  /\b(?:hold on|one (?:sec|second|moment|minute)|just a (?:sec|second|moment|minute)|give me a (?:sec|second|moment|minute)|hang on|wait a (?:sec|second|moment))\b/;
export const GREETING_ONLY =
  /^(?:(?:hi|hello|hey|good (?:morning|afternoon|evening)|yes|yeah|hi there|hello there)(?: there)?(?: [.,!?])*\s*)+$/;
export const HEARING =
  /\b(?:can you hear me|are you there|is anyone there|is somebody there|hello \? hello)\b/;
export const NOT_INTERESTED =
  /\b(?:not interested|take me off (?:your|the) (?:list|calling list)|stop calling|remove me from)\b/;
/** A report that something of theirs is broken (an existing customer's problem). */
export const ISSUE =
  /\b(?:isn't|is not|isnt|aren't|are not|not|stopped|won't|doesn't|does not|can't|cannot|keeps?) (?:working|answering|ringing|syncing|connecting|picking up|recording|booking|loading|hanging up|sync)\b|\b(?:broken|broke|error|errors|bug|glitch|outage|crash\w*|problem with|issue with|trouble with|problems with|issues with|went down|is down|stopped syncing|stopped working|wrong (?:hours|information|info|answers?|greeting|times?|prices?|name|number))\b/;
export const REPEAT =
  /\b(?:repeat that|say that again|come again|pardon|didn't (?:catch|hear|get) that|what did you say|one more time|sorry what|what do you mean|i don't understand|i didn't understand)\b/;

export const OFF_TOPIC = P(
  String
    .raw`\b(?:weather|rain|forecast|joke|jokes|sports?|football|baseball|basketball|soccer|hockey|game last night|score|recipe|cook|movie|film|song|music|sing|politics|election|president|stocks?|stock market|crypto|bitcoin|lottery|horoscope|meaning of life|capital of|who won|poem|homework|math problem|dating|girlfriend|boyfriend)\b`,
);

/** Words that show a question is about the business even when the knowledge base has no answer. */
export const DOMAIN = P(
  String
    .raw`\b(?:agents?|voice|ai|callers?|customers?|automation|automate|receptionist|prices?|pricing|costs?|plans?|discounts?|contracts?|services?|products?|features?|calls?|minutes|integrations?|integrate|crm|set ?up|onboarding|support|data|security|privacy|recordings?|trial|pilot|audit|languages?|business|company|legacy|team|refunds?|invoices?|billing|account|numbers?|greeting|custom|customi[sz]e|api|website|sms|texts?|appointments?|booking|scheduling|leads?|payments?|hipaa|gdpr|compliance|nonprofit|discount|warranty|guarantee|uptime|offer)\b`,
);
