/**
 * A Postgres cluster of a test file's own, migrated and seeded like the stack's, so that it can
 * be stopped and restarted while the other test files (which vitest runs at the same time) keep
 * using the test stack's database.
 */
import { join } from 'node:path';
import { repoRoot, stackLayout, type Profile, type StackLayout } from '../../../tools/stack/config.ts';
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
  const dir = join(repoRoot, '.stack', name);
  // The profile names the cluster's folder outside the clone when postgres cannot reach it; it
  // must not be 'test', whose folder that would be.
  const layout: StackLayout = {
    ...stackLayout('test'), profile: name as unknown as Profile, dir,
    pgData: join(dir, 'pgdata'), pgSocketDir: join(dir, 'run'), logDir: join(dir, 'logs'), pgPort,
    dbUrl: `postgresql://postgres:postgres@127.0.0.1:${pgPort}/postgres`,
  };
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
