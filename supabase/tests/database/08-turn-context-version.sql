begin;
create extension if not exists pgtap with schema extensions;
select plan(8);

select public.start_call('CA_version', '+15555550801', '+15550100000');

select ok(public.load_turn_context('CA_version', null) ? 'config', 'without a known version the config comes along');
select ok(public.load_turn_context('CA_version', null) ? 'team', 'and the team');

create temp table known as select public.load_turn_context('CA_version', null) ->> 'config_version' as v;

select ok(not (public.load_turn_context('CA_version', (select v from known)) ? 'config'),
  'with the current version the config is left out');
select ok(not (public.load_turn_context('CA_version', (select v from known)) ? 'team'), 'and so is the team');
select ok(public.load_turn_context('CA_version', (select v from known)) ? 'history', 'the history always comes');

update public.team_members set topics = topics || '{webinars}' where user_id = 'user_jordan_lee';
select isnt(public.load_turn_context('CA_version', (select v from known)) ->> 'config_version', (select v from known),
  'a team change gives a new version');
update known set v = public.load_turn_context('CA_version', null) ->> 'config_version';

update public.agent_configs set greeting = 'Hello there.' where is_active;
select ok(public.load_turn_context('CA_version', (select v from known)) ? 'config',
  'after a config edit the config comes again');

select throws_ok($$select public.load_turn_context('CA_nobody', 'x')$$, 'P0002', 'unknown call',
  'an unknown call is refused');

select * from finish();
rollback;
