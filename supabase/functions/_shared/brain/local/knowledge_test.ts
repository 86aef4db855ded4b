import { deepStrictEqual as eq, ok } from 'node:assert';
import { answerFromKnowledge, speakable } from './knowledge.ts';
import { ALT_ARTICLES, altServices, ARTICLES, fixtureServices } from '../testing/fixture.ts';

for (const [label, list] of [['seed', ARTICLES], ['other wording', ALT_ARTICLES]] as const) {
  Deno.test(`fixture (${label}): every fact of the demo business is in an article`, () => {
    const all = list.map((a) => a.body).join('\n');
    const facts = [
      /AI voice agents and workflow automation/,
      /small businesses/,
      /Austin, Texas/,
      /remote-first/,
      /support@legacyai\.info/,
      /legacyai\.info/,
      /Monday to Friday, 9 AM to 6 PM Eastern/,
      /weekends/,
      /federal holidays/,
      /next business day/,
      /English and Spanish/,
      /\$1,500/,
      /\$99 (?:per|a) month/,
      /phone number/,
      /custom greeting/,
      /CRM integration/,
      /two weeks of tuning/,
      /500 call minutes/,
      /12 cents/,
      /\$500 flat/,
      /60 days/,
      /free 30-minute discovery call/,
      /14-day pilot/,
      /no credit card/,
      /month to month/,
      /30 days' notice/,
      /5 business days/,
      /HubSpot, Salesforce, Google Calendar, Calendly and Zapier/,
      /encrypted and stored in the US/,
      /on request within 30 days/,
      /only with the caller's consent/,
    ];
    for (const f of facts) ok(f.test(all), `missing fact ${f}`);
    for (const a of ARTICLES) {
      ok(a.tags.length > 0, a.id);
      ok(
        a.body.split(/[.!?](\s|$)/).filter((s) => s && s.trim()).length <= 3,
        `${a.id} is more than three sentences`,
      );
    }
  });
}

Deno.test('answerFromKnowledge: the right article for a question, whatever the wording of the articles', async () => {
  const cases: [string, RegExp][] = [
    ['How much does the voice agent cost?', /\$1,500/],
    ['And is there a trial?', /14-day pilot/],
    ['what integrations do you support', /HubSpot/],
    ['OK then what do you charge for the audit?', /\$500 flat/],
    ['How long does it take to get set up?', /5 business days/],
    ['is there a setup fee', /\$1,500/],
    ['Do you speak Spanish?', /Spanish/],
    ['where are you based', /Austin/],
    ['what happens if we go over our minutes', /12 cents/],
    ['can I cancel any time', /30 days' notice/],
    ['do you record the calls', /consent/],
    ['what do you guys actually do', /small businesses/],
  ];
  for (const services of [fixtureServices, altServices]) {
    for (const [q, want] of cases) {
      const body = (await answerFromKnowledge(services, q))[0]?.body ?? '';
      ok(want.test(body), `${q} → ${body}`);
    }
  }
});

Deno.test('answerFromKnowledge: nothing for what the knowledge base does not know', async () => {
  eq(await answerFromKnowledge(fixtureServices, 'Does the voice agent sound like a real person?'), []);
  eq(await answerFromKnowledge(fixtureServices, 'who won the game last night'), []);
  eq(await answerFromKnowledge(fixtureServices, 'um'), []);
});

Deno.test('answerFromKnowledge: one article per question asked', async () => {
  const two = await answerFromKnowledge(
    fixtureServices,
    'How much is the starter, and is there a free trial?',
  );
  eq(two.length, 2);
  ok(/\$1,500/.test(two[0].body) && /pilot/.test(two[1].body));
  const one = await answerFromKnowledge(fixtureServices, 'Is the pricing per person or per location?');
  eq(one.length, 1);
  ok(/\$1,500/.test(one[0].body));
});

Deno.test('speakable: no markdown, no URL schemes', () => {
  eq(speakable('**Visit** https://www.legacyai.info\n- now'), 'Visit legacyai.info now');
});

Deno.test('answerFromKnowledge: a weak match is not read out ("do you work with restaurants?")', async () => {
  const { answerFromKnowledge } = await import('./knowledge.ts');
  const { fixtureServices, altServices } = await import('../testing/fixture.ts');
  for (const services of [fixtureServices, altServices]) {
    for (const q of ['do you guys work with restaurants', 'is there a discount if we sign up for a year']) {
      eq((await answerFromKnowledge(services, q)).length, 0, q);
    }
    ok((await answerFromKnowledge(services, 'does it work with salesforce')).length === 1);
    ok((await answerFromKnowledge(services, 'hang on how much is it a month')).length === 1);
  }
});
