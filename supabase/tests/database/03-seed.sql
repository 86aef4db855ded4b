begin;
create extension if not exists pgtap with schema extensions;
select plan(24);

-- The agent
select results_eq('select count(*)::int from public.agent_configs where is_active', array[1], 'one agent config is active');
select results_eq(
  $$select business_name, timezone, voice, providers, default_transfer_user_id
    from public.agent_configs where is_active$$,
  $$values ('LegacyAI', 'America/New_York', 'Polly.Joanna-Neural', '{local}'::text[], 'user_alex_rivera')$$,
  'LegacyAI answers in New York time with the local engine and Joanna''s voice, and transfers to Alex by default'
);
select matches((select greeting from public.agent_configs where is_active), '^Thanks for calling LegacyAI\.',
  'the greeting names the business');
select matches((select returning_greeting from public.agent_configs where is_active), '\{name\}',
  'the returning greeting greets by name');
select cmp_ok(length((select system_prompt from public.agent_configs where is_active)), '>', 1000,
  'the system prompt describes the job');
select is(
  (select business_hours from public.agent_configs where is_active),
  '{"mon": [["09:00", "18:00"]], "tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]],
    "thu": [["09:00", "18:00"]], "fri": [["09:00", "18:00"]]}'::jsonb,
  'open Monday to Friday, 9 to 6'
);
select is(cardinality((select holidays from public.agent_configs where is_active)), 23,
  'US federal holidays of 2026 and 2027 as observed (New Year 2028 is observed on 2027-12-31)');
select ok(
  (select holidays @> '{2026-11-26, 2026-12-25, 2027-07-05, 2027-12-24}'::date[] from public.agent_configs where is_active),
  'Thanksgiving and Christmas are holidays, and weekend holidays move to a weekday'
);
select is_empty(
  $$select d from public.agent_configs, unnest(holidays) as d where is_active and extract(isodow from d) > 5$$,
  'no holiday falls on a weekend (the weekly hours already close those)'
);
select is(
  (select array(select jsonb_object_keys(escalation_rules -> 'topics') order by 1) from public.agent_configs where is_active),
  array['billing', 'cancellation', 'complaint', 'emergency', 'legal', 'sales', 'technical'],
  'escalation rules map every topic to keywords'
);
select is(
  (select escalation_rules -> 'always_human' from public.agent_configs where is_active),
  '["billing", "cancellation", "complaint", "legal", "emergency"]'::jsonb,
  'billing, cancellations, complaints, legal and emergencies always go to a person'
);
select is_empty(
  $$select topic from public.agent_configs, jsonb_each(escalation_rules -> 'topics') as t(topic, words)
    where is_active and (jsonb_typeof(words) <> 'array' or jsonb_array_length(words) = 0)$$,
  'every escalation topic has keywords'
);

-- The team
select results_eq(
  $$select user_id, name, phone, role from public.team_members order by phone$$,
  $$values ('user_alex_rivera', 'Alex Rivera', '+15550100001', 'admin'),
           ('user_jordan_lee', 'Jordan Lee', '+15550100002', 'member'),
           ('user_sam_patel', 'Sam Patel', '+15550100003', 'member')$$,
  'the team of three, Alex the admin'
);
select is(public.team_member_for_topic('pricing'), 'user_alex_rivera', 'pricing goes to Alex');
select is(public.team_member_for_topic('Integrations'), 'user_jordan_lee', 'integrations go to Jordan');
select is(public.team_member_for_topic('billing'), 'user_sam_patel', 'billing goes to Sam');
select is(public.team_member_for_topic('cancellation'), 'user_sam_patel', 'cancellations go to Sam');
select is(public.team_member_for_topic('complaint'), 'user_sam_patel', 'complaints go to Sam');

-- The knowledge base: short spoken answers holding every fact of the demo business
select cmp_ok((select count(*)::int from public.knowledge_articles where active), '>=', 12, 'a dozen or more articles');
select is_empty(
  $$select title from public.knowledge_articles
    where cardinality(regexp_split_to_array(btrim(body), '[.!?](\s+|$)')) - 1 not between 1 and 3$$,
  'every article is one to three complete spoken sentences'
);
select is_empty(
  $$select title from public.knowledge_articles where cardinality(tags) < 5$$,
  'every article carries the words callers use for it'
);
select is_empty(
  $$select fact from unnest(array[
      '9 AM to 6 PM', 'Monday to Friday', 'weekends', 'federal holidays', 'next business day',
      '$1,500', '$99 a month', 'phone number', 'custom greeting', 'CRM integration', 'two weeks of tuning',
      '500 call minutes', '12 cents', '$500 flat', '60 days', 'free 30-minute discovery call',
      '14-day pilot', 'no credit card', 'month to month', '30 days'' notice', 'live within 5 business days',
      'HubSpot', 'Salesforce', 'Google Calendar', 'Calendly', 'Zapier', 'encrypted', 'stored in the US',
      'on request within 30 days', 'consent', 'English and Spanish', 'Austin, Texas', 'remote-first',
      'support@legacyai.info', 'legacyai.info', 'AI voice agents and workflow automation'
    ]) as fact
    where not exists (select 1 from public.knowledge_articles where active and strpos(body, fact) > 0)$$,
  'every fact of the demo business is in an article'
);
select is_empty(
  $$select title from public.knowledge_articles where body ~ '[*#_\[\]]|https?://'$$,
  'articles hold no markdown or links a voice would read out'
);
select is_empty('select 1 from public.customers union all select 1 from public.conversations',
  'the seed holds no callers or calls');

select * from finish();
rollback;
