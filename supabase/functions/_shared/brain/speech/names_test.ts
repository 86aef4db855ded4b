import { deepStrictEqual as eq } from 'node:assert';
import { extractName } from './names.ts';
import { businessNoun, extractCompany } from './company.ts';
import { utterance } from './text.ts';

Deno.test('extractName: explicit cues, speech recognition slips, and non-names', () => {
  const cases: [string, string | null][] = [
    ['My name is Dana Whitfield.', 'Dana Whitfield'],
    ['my names jon smyth', 'Jon Smyth'],
    ["Hi, my name is Kevin O'Brien and I'm calling from Summit Fitness.", "Kevin O'Brien"],
    ['Hi, this is Marcus Green. Can someone call me back about pricing?', 'Marcus Green'],
    ["I'm Tom Becker from Becker Plumbing.", 'Tom Becker'],
    ["Sure. I'm Alicia Gomez.", 'Alicia Gomez'],
    ['you can call me Bea', 'Bea'],
    ['Chidi Okafor here', 'Chidi Okafor'],
    ['hi its Hannah Lee from Lee and Sons Roofing', 'Hannah Lee'],
    ['this is Maria de la Cruz', 'Maria de la Cruz'],
    ['Hi this is Dr. Susan Park from Park Pediatrics', 'Susan Park'],
    ["please call me back tomorrow, I'm Frank Miller", 'Frank Miller'],
    ['my name is actually Sarah', 'Sarah'],
    ["Hi, I run a dental practice and I'm interested in an AI receptionist.", null],
    ["This is ridiculous. I've been charged twice this month.", null],
    ["It's dana at orchard dental dot com.", null],
    ['I am not sure', null],
    ["I'm calling about pricing", null],
    ['call me back tomorrow', null],
    ['this is a question about billing', null],
  ];
  for (const [said, want] of cases) eq(extractName(utterance(said)), want, said);
});

Deno.test('extractName: a bare answer counts only when the name was asked for', () => {
  eq(extractName(utterance('priya shah'), { expect: true }), 'Priya Shah');
  eq(extractName(utterance('priya shah')), null);
  eq(extractName(utterance('sure, it is raj'), { expect: true }), 'Raj');
  eq(extractName(utterance('how much does it cost'), { expect: true }), null);
  eq(extractName(utterance("Yeah it's Nguyen Family Pharmacy"), { weakCues: false }), null);
});

Deno.test('extractCompany: cues, bare answers, and what is not a company', () => {
  const cases: [string, string | null][] = [
    ['The practice is called Orchard Dental.', 'Orchard Dental'],
    ["I'm Tom Becker from Becker Plumbing.", 'Becker Plumbing'],
    ["Hi, my name is Kevin O'Brien and I'm calling from Summit Fitness.", 'Summit Fitness'],
    ["i'm with Greenleaf Landscaping and we need help", 'Greenleaf Landscaping'],
    ['my company is Acme Robotics', 'Acme Robotics'],
    ['hi its Hannah Lee from Lee and Sons Roofing', 'Lee and Sons Roofing'],
    ['its raj from bright smile dental', 'Bright Smile Dental'],
    ["I'm calling from my car", null],
    ['my business is growing fast', null],
    ['nobody has called me back', null],
    ['I run a dental practice', null],
  ];
  for (const [said, want] of cases) eq(extractCompany(utterance(said)), want, said);
  eq(
    extractCompany(utterance("Yeah it's Nguyen Family Pharmacy"), { expect: true }),
    'Nguyen Family Pharmacy',
  );
  eq(extractCompany(utterance('smyth plumbing and heating'), { expect: true }), 'Smyth Plumbing');
  eq(extractCompany(utterance("we don't have a company, it's just me"), { expect: true }), null);
  eq(extractCompany(utterance('Maria Lopez from Lopez Law Office'), { afterName: true }), 'Lopez Law Office');
});

Deno.test("businessNoun: the caller's word for their business", () => {
  eq(businessNoun(utterance('I run a dental practice')), 'practice');
  eq(businessNoun(utterance('we own a small restaurant downtown')), 'restaurant');
  eq(businessNoun(utterance('how much is it')), null);
});

Deno.test('extractCompany: "Name, Company", "Name with Company", "I\'m at Company"; not times or places', () => {
  const cases: [string, boolean, string | null][] = [
    ['Luis Ortega, Ortega Roofing', true, 'Ortega Roofing'],
    ['Luis with Ortega Roofing', true, 'Ortega Roofing'],
    ["yeah it's Luis Ortega, from Ortega Roofing", true, 'Ortega Roofing'],
    ["I'm at Ortega Roofing", false, 'Ortega Roofing'],
    ["I'm at home right now", false, null],
    ["I'm at the office", false, null],
    ['Luis Ortega, tomorrow morning is fine', true, null],
    ['Luis, L U I S', true, null],
    ['dana, dana at gmail dot com', true, null],
  ];
  for (const [said, afterName, want] of cases) eq(extractCompany(utterance(said), { afterName }), want, said);
});

Deno.test('extractName: a name restated after "I mean" or "actually" wins', () => {
  const cases: [string, string | null][] = [
    ['My name is Jon, I mean John Smith', 'John Smith'],
    ["I'm Dana, actually it's Diana Ross", 'Diana Ross'],
    ['this is Kate Brown, sorry, I mean Katie Brown', 'Katie Brown'],
    ['my name is Sam. Scratch that, it is Samantha', 'Samantha'],
    // Not a restated name: a new sentence, a question, or nothing after the marker.
    ['Hi, this is Dana. Actually, can someone call me tomorrow at 2?', 'Dana'],
    ["My name is Dana Whitfield, actually I'm calling about pricing", 'Dana Whitfield'],
    ['my name is Dana, I mean, if that helps', 'Dana'],
    ['This is Dana. Actually, never mind.', 'Dana'],
    ['my name is actually Sarah', 'Sarah'],
  ];
  for (const [said, want] of cases) eq(extractName(utterance(said)), want, said);
  eq(extractName(utterance('priya shah, I mean priya shaw'), { expect: true }), 'Priya Shaw');
});

Deno.test('extractCompany: a company restated after a correction wins', () => {
  eq(extractCompany(utterance("I'm with Acme, I mean Acme Plumbing")), 'Acme Plumbing');
  eq(
    extractCompany(utterance('my company is Orchard Dental, actually Orchard Dental Group')),
    'Orchard Dental Group',
  );
  eq(extractCompany(utterance("I'm calling from Summit Fitness. Actually, never mind.")), 'Summit Fitness');
  eq(extractCompany(utterance("I'm with Acme. Actually I'd like to hear about pricing")), 'Acme');
});

Deno.test('extractCompany: "Name, from Company" with a comma, and names with accents', () => {
  eq(extractCompany(utterance("I'm Dana, from Acme Plumbing")), 'Acme Plumbing');
  eq(extractCompany(utterance('this is José Peña with Peña Roofing')), 'Peña Roofing');
  eq(extractCompany(utterance('Renée Dubois, from Dubois Bakery'), { afterName: true }), 'Dubois Bakery');
  eq(extractCompany(utterance("I'm calling, from my car")), null);
});

Deno.test('extractCompany: a company said after the name and a comma, unprompted', () => {
  const cases: [string, string | null][] = [
    ['My name is Dr. Alan Whitaker, Whitaker Family Dental.', 'Whitaker Family Dental'],
    ["Hi, I'm Priya Raman, Raman Bakes.", 'Raman Bakes'],
    ['This is Marco Reyes, Reyes Landscaping, calling about the voice agent.', 'Reyes Landscaping'],
    ['my name is Dana Cole, Harbor Dental', 'Harbor Dental'],
    ["Fine. It's Greg Hanley, Hanley Auto.", 'Hanley Auto'],
    // The name said again, or a sentence that goes on, is not a company.
    ['Hi this is Alan, Alan Whitaker.', null],
    ['My name is Dana Cole, and I have a question.', null],
    ['My name is Dana Cole, what are your hours?', null],
  ];
  for (const [said, want] of cases) eq(extractCompany(utterance(said)), want, said);
});
