/** Knowledge articles the agent answers from (admins edit; every member reads). */
import type { Tx } from '../db.ts';

export interface Article {
  id: string;
  title: string;
  body: string;
  tags: string[];
  active: boolean;
  updated_at: Date;
}

export function listArticles(tx: Tx): Promise<Article[]> {
  return tx<Article[]>`
    select id, title, body, tags, active, updated_at from public.knowledge_articles order by active desc, title
  `;
}

export interface ArticleInput {
  title: string;
  body: string;
  tags: string[];
  active: boolean;
}

/** Create (id null) or update an article; returns its id, or null when the id is unknown. */
export async function saveArticle(tx: Tx, id: string | null, a: ArticleInput): Promise<string | null> {
  const rows = id
    ? await tx<{ id: string }[]>`
        update public.knowledge_articles set title = ${a.title}, body = ${a.body}, tags = ${a.tags}, active = ${a.active}
        where id = ${id} returning id`
    : await tx<{ id: string }[]>`
        insert into public.knowledge_articles (title, body, tags, active)
        values (${a.title}, ${a.body}, ${a.tags}, ${a.active}) returning id`;
  return rows[0]?.id ?? null;
}

export async function deleteArticle(tx: Tx, id: string): Promise<boolean> {
  const rows = await tx`delete from public.knowledge_articles where id = ${id} returning id`;
  return rows.length === 1;
}
