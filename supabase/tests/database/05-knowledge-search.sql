begin;
create extension if not exists pgtap with schema extensions;
select plan(40);

-- The Edge Functions search as the service role.
set local role service_role;

select function_returns('public', 'search_knowledge', array['text', 'integer'], 'setof record');

-- A caller's question, the way speech recognition hands it over, finds the article that answers it.
create temp table questions (question text, answer text);
insert into questions values
  ('what are your hours', 'Business hours'),
  ('Hi. What are your business hours?', 'Business hours'),
  ('are you open on saturday', 'Business hours'),
  ('what time do you close', 'Business hours'),
  ('how much does the voice agent cost', 'Voice Agent Starter price'),
  ('how much is the monthly fee', 'Voice Agent Starter price'),
  ('what''s the setup fee', 'Voice Agent Starter price'),
  ('what''s included in the starter plan', 'What the Voice Agent Starter includes'),
  ('what happens if I go over my minutes', 'Extra call minutes'),
  ('how much are extra minutes', 'Extra call minutes'),
  ('what do you charge for the audit', 'Automation Audit'),
  ('OK then what do you charge for the audit?', 'Automation Audit'),
  ('is the audit credited', 'Automation Audit'),
  ('can you build a custom integration for us', 'Custom integrations'),
  ('is there a free trial', 'Free pilot'),
  ('And is there a trial?', 'Free pilot'),
  ('do I need a credit card', 'Free pilot'),
  ('can I cancel', 'Contracts and cancellation'),
  ('is there a long term contract', 'Contracts and cancellation'),
  ('how long does setup take', 'Onboarding time'),
  ('How long does it take to get set up?', 'Onboarding time'),
  ('what integrations do you support', 'Supported integrations'),
  ('Hi, just checking what integrations you support.', 'Supported integrations'),
  ('do you work with hubspot', 'Supported integrations'),
  ('is my data safe', 'Data privacy'),
  ('can you delete my data', 'Data privacy'),
  ('do you record calls', 'Call recording'),
  ('do you speak spanish', 'Languages'),
  ('where are you located', 'Location and contact'),
  ('what''s your email address', 'Location and contact'),
  ('what does your company do', 'About LegacyAI');

select is(
  (select title from public.search_knowledge(q.question, 1)),
  q.answer,
  format('"%s" finds %s', q.question, q.answer)
)
from questions as q;

select results_eq(
  $$select count(*)::int from public.search_knowledge('how much does the voice agent cost')$$,
  array[3], 'three answers by default'
);
select results_eq(
  $$select count(*)::int from public.search_knowledge('how much does the voice agent cost', 1)$$,
  array[1], 'the limit is honoured'
);
select ok(
  (select bool_and(rank > 0) and array_agg(rank order by rank desc) = array_agg(rank)
   from public.search_knowledge('how much does the voice agent cost', 5)),
  'answers come best first, all ranked'
);
select is_empty($$select * from public.search_knowledge('is it that you have the')$$,
  'a question of stop words only finds nothing');
select is_empty($$select * from public.search_knowledge('')$$, 'an empty question finds nothing');
select is_empty($$select * from public.search_knowledge(null)$$, 'no question finds nothing');
select lives_ok(
  $$select * from public.search_knowledge($q$it's O'Brien \ "quoted" (parens) & | ! <-> :* $1,500?$q$)$$,
  'tsquery syntax in the caller''s words is just words'
);

reset role;
update public.knowledge_articles set active = false where title = 'Free pilot';
set local role service_role;
select isnt(
  (select title from public.search_knowledge('is there a free trial', 1)), 'Free pilot',
  'a retired article is never said'
);

select * from finish();
rollback;
