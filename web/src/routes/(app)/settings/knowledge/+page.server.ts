import { fail } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { FormReader, invalid } from '$lib/server/forms';
import { requireAdmin } from '$lib/server/guard';
import { deleteArticle, listArticles, saveArticle } from '$lib/server/queries/knowledge';
import type { Actions, PageServerLoad } from './$types';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const load: PageServerLoad = async ({ locals }) => {
  const admin = requireAdmin(locals);
  return { articles: await asUser(services().sql, admin.claims, (tx) => listArticles(tx)) };
};

export const actions: Actions = {
  save: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const form = new FormReader(await request.formData());
    const rawId = form.raw('id');
    const id = uuid.test(rawId) ? rawId : null;
    const key = id ?? 'new';
    const article = {
      title: form.text('title', { required: true, max: 200, label: 'Title' }) ?? '',
      body: form.text('body', { required: true, max: 8000, label: 'Text' }) ?? '',
      tags: form.list('tags', { max: 20, label: 'Tags' }).map((t) => t.toLowerCase()),
      active: form.checkbox('active'),
    };
    if (!form.ok) return invalid(form, { key });
    const saved = await asUser(services().sql, admin.claims, (tx) => saveArticle(tx, id, article));
    if (!saved) return fail(404, { key, message: 'This article no longer exists.' });
    return { key: 'new', saved: `“${article.title}” saved.` };
  },
  delete: async ({ locals, request }) => {
    const admin = requireAdmin(locals);
    const id = String((await request.formData()).get('id') ?? '');
    if (!uuid.test(id)) return fail(400, { message: 'No such article.' });
    await asUser(services().sql, admin.claims, (tx) => deleteArticle(tx, id));
    return { saved: 'Article deleted.' };
  },
};
