begin;
create extension if not exists pgtap with schema extensions;
select plan(8);

delete from public.jobs;
delete from public.messages;
delete from public.conversations;
update public.agent_configs set monthly_budget_usd = 5 where is_active;

select is((public.ai_budget_status()) ->> 'exhausted', 'false', 'no spend this month: the budget is not reached');
select is((select count(*)::int from public.jobs), 0, 'and nobody is told anything');

-- $3 last month does not count; $4.50 this month is under $5.
insert into public.conversations (call_sid, from_number, to_number, started_at, cost_usd) values
  ('CA_bu1', '+15555551501', '+15550000000', date_trunc('month', now()) - interval '3 days', 3),
  ('CA_bu2', '+15555551502', '+15550000000', now() - interval '1 minute', 4.5);
select is((public.ai_budget_status()) ->> 'exhausted', 'false', 'last month''s spend does not count');

insert into public.conversations (call_sid, from_number, to_number, started_at, cost_usd)
values ('CA_bu3', '+15555551503', '+15550000000', now(), 0.5);
select is(public.ai_budget_status() - 'month',
          '{"spent_usd": 5.0, "budget_usd": 5, "exhausted": true}'::jsonb,
          'at the budget the month''s spend is exhausted');
select results_eq(
  $$select payload ->> 'alert', payload ->> 'budget_usd', dedupe_key from public.jobs where kind = 'notify'$$,
  $$values ('monthly_budget', '5', 'notify:alert:monthly_budget:' || to_char(now() at time zone public.business_timezone(), 'YYYY-MM'))$$,
  'the admins are told, with a notification keyed by the month');
select public.ai_budget_status();
select is((select count(*)::int from public.jobs), 1, 'asked again in the month: told once');

-- A config with its own budget (a test or a second line) is measured against the same spend.
select is((public.ai_budget_status((select id from public.agent_configs where is_active))) ->> 'exhausted', 'true',
          'by id as by default');
update public.agent_configs set monthly_budget_usd = 1000 where is_active;
select is((public.ai_budget_status()) ->> 'exhausted', 'false', 'raising the budget lets AI turns run again');

select * from finish();
rollback;
