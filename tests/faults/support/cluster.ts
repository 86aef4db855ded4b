/**
 * A Postgres cluster of a test file's own, migrated and seeded like the stack's, so that it can
 * be stopped and restarted while the other test files (which vitest runs at the same time) keep
 * using the test stack's database.
 */
import { stackLayout, type StackLayout } from '../../../tools/stack/config.ts';
import { migrate, startPostgres, stopPostgres } from '../../../tools/stack/postgres.ts';
import { down } from '../../../tools/stack/cli-lib.ts';
import { freePort } from '../../../tools/upstash-local/redis.ts';
import { connect } from './db.ts';

export interface IsolatedCluster {
  layout: StackLayout;
  dbUrl: string;
  stop(): void;
  start(): Promise<void>;
  /** Stops it and deletes its data. */
  remove(): Promise<void>;
}

export async function isolatedCluster(name: string): Promise<IsolatedCluster> {
  const pgPort = await freePort();
  // Its own name keys its folders (inside the clone and, as root, the cluster's outside it).
  const layout: StackLayout = stackLayout('test', { name, pgPort });
  await down(layout, true);
  await startPostgres(layout);
  const sql = connect(layout.dbUrl);
  try {
    for (const setting of ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']) {
      await sql.unsafe(`alter system set ${setting}`);
    }
    await sql`select pg_reload_conf()`;
  } finally {
    await sql.end();
  }
  migrate(layout);
  return {
    layout,
    dbUrl: layout.dbUrl,
    stop: () => stopPostgres(layout),
    start: () => startPostgres(layout),
    remove: () => down(layout, true),
  };
}
