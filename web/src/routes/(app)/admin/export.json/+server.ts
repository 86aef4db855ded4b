/** An admin's JSON export of everything held about one customer (by id or phone number). */
import { error } from '@sveltejs/kit';
import { services } from '$lib/server/app';
import { asUser } from '$lib/server/db';
import { requireAdmin } from '$lib/server/guard';
import { exportCustomer } from '$lib/server/queries/privacy';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = async ({ locals, url }) => {
  const admin = requireAdmin(locals);
  const id = url.searchParams.get('customer') ?? undefined;
  const phone = url.searchParams.get('phone')?.replace(/[\s().-]/g, '') || undefined;
  if (id !== undefined && !/^[0-9a-f-]{36}$/i.test(id)) error(400, 'customer must be a customer id');
  if (!id && !phone) error(400, 'Give a customer id or a phone number.');
  const doc = await asUser(services().sql, admin.claims, (tx) => exportCustomer(tx, { id, phone }));
  if (doc === null) error(404, 'No customer with that id or number.');
  return new Response(JSON.stringify(doc, null, 2), {
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': 'attachment; filename="customer-export.json"',
      'cache-control': 'no-store',
    },
  });
};
