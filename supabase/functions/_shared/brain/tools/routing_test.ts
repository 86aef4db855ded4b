import { deepStrictEqual as eq, ok } from 'node:assert';
import { detectTopics, memberForTopics, memberNamed, topicLexicon, topicMatches } from './routing.ts';
import { fixtureConfig, TEAM } from '../testing/fixture.ts';

const config = fixtureConfig();

Deno.test('topicMatches: stems and prefixes', () => {
  ok(topicMatches('integrations', 'integration'));
  ok(topicMatches('cancellation', 'cancel'));
  ok(topicMatches('tech', 'technical'));
  ok(topicMatches('existing_customer', 'existing customer'));
  ok(!topicMatches('sales', 'setup'));
});

Deno.test('detectTopics: config keywords and team topics, in order of mention', () => {
  eq(detectTopics("I've been charged twice and I want to cancel", config, TEAM), ['billing', 'cancellation']);
  eq(detectTopics('I need to speak with someone about setting up your product', config, TEAM), ['technical']);
  eq(detectTopics('we want to talk about a partnership', config, TEAM), ['sales']);
  eq(detectTopics('just some general question', config, TEAM), []);
});

Deno.test('memberForTopics: first topic someone takes, else the default', () => {
  eq(memberForTopics(['legal', 'billing'], config, TEAM)?.user_id, 'user_sam_patel');
  eq(memberForTopics(['emergency'], config, TEAM)?.user_id, 'user_alex_rivera');
  eq(memberForTopics([], config, TEAM)?.user_id, 'user_alex_rivera');
  eq(memberForTopics(['integrations'], config, TEAM)?.user_id, 'user_jordan_lee');
});

Deno.test('topicLexicon: config lists override defaults per topic, defaults fill the rest', () => {
  const lex = topicLexicon(fixtureConfig({ escalation_rules: { topics: { billing: ['invoice'] } } }));
  eq(lex.billing, ['invoice']);
  ok(lex.cancellation.includes('cancel'));
});

Deno.test('memberNamed: by first or full name, whole words only', () => {
  eq(memberNamed('can I talk to Jordan please', TEAM)?.user_id, 'user_jordan_lee');
  eq(memberNamed('is Sam Patel in today', TEAM)?.user_id, 'user_sam_patel');
  eq(memberNamed('the same thing as before', TEAM), null);
});
