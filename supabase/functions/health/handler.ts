/** GET /health: 200 with the Postgres version and the latest migration, 503 when the database is down. */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { errorFields } from '../_shared/runtime/log.ts';

export const createHandler: HandlerFactory = (rt) => async () => {
  try {
    const [row] = await rt.sql<{ postgres: string; migration: string | null }[]>`
      select current_setting('server_version') as postgres,
             (select max(version) from supabase_migrations.schema_migrations) as migration`;
    return Response.json({ status: 'ok', postgres: row.postgres, latest_migration: row.migration });
  } catch (err) {
    rt.log.warn('health check failed', errorFields(err));
    return Response.json({ status: 'degraded', database: 'unreachable' }, { status: 503 });
  }
};
