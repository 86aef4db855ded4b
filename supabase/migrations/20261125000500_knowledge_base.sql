-- What the agent may say about the business, found by full-text search of the caller's words.

-- array_to_string is only STABLE in general; for text[] it is immutable, as a generated column needs.
create or replace function public.knowledge_document(p_title text, p_tags text[], p_body text)
  returns tsvector
  language sql immutable
  set search_path = ''
as $$
  select setweight(to_tsvector('english'::regconfig, coalesce(p_title, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(array_to_string(p_tags, ' '), '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(p_body, '')), 'C')
$$;

create table public.knowledge_articles (
  id uuid primary key default gen_random_uuid(),
  title text not null,
  body text not null,
  tags text[] not null default '{}',
  active boolean not null default true,
  search tsvector generated always as (public.knowledge_document(title, tags, body)) stored,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index knowledge_articles_search_idx on public.knowledge_articles using gin (search);

create trigger knowledge_articles_set_updated_at
  before update on public.knowledge_articles
  for each row execute function public.set_updated_at();

-- A caller's question rarely shares every word with an article, so its lexemes are OR-ed and
-- ts_rank_cd puts the article that covers the most of them (title over tags over body) first.
create or replace function public.search_knowledge(p_query text, p_limit int default 3)
  returns table (id uuid, title text, body text, tags text[], rank real)
  language sql stable
  set search_path = ''
as $$
  with question as (
    select string_agg(
             '''' || replace(replace(t.lexeme, '\', '\\'), '''', '''''') || '''',
             ' | '
           )::tsquery as query
    from unnest(to_tsvector('english'::regconfig, coalesce(p_query, ''))) as t
  )
  select a.id, a.title, a.body, a.tags, ts_rank_cd(a.search, q.query) as rank
  from public.knowledge_articles as a
  cross join question as q
  where a.active and a.search @@ q.query
  order by rank desc, a.title
  limit greatest(1, least(coalesce(p_limit, 3), 20))
$$;

revoke all on function public.knowledge_document(text, text[], text) from public, anon;
revoke all on function public.search_knowledge(text, int) from public, anon;
grant execute on function public.knowledge_document(text, text[], text) to authenticated, service_role;
grant execute on function public.search_knowledge(text, int) to authenticated, service_role;

alter table public.knowledge_articles enable row level security;

revoke all on public.knowledge_articles from anon, authenticated;
grant select, insert, update, delete on public.knowledge_articles to authenticated;
grant all on public.knowledge_articles to service_role;

create policy "Team members can read the knowledge base"
  on public.knowledge_articles for select to authenticated
  using ((select public.is_team_member()));

create policy "Team admins can add knowledge articles"
  on public.knowledge_articles for insert to authenticated
  with check ((select public.is_team_admin()));

create policy "Team admins can update knowledge articles"
  on public.knowledge_articles for update to authenticated
  using ((select public.is_team_admin()))
  with check ((select public.is_team_admin()));

create policy "Team admins can delete knowledge articles"
  on public.knowledge_articles for delete to authenticated
  using ((select public.is_team_admin()));
