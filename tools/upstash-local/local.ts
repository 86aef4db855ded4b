/** Starts redis-server and the Upstash REST server in front of it, in this process. */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { startRedis } from './redis.ts';
import { RedisConnection } from './resp.ts';
import { createUpstashServer } from './server.ts';

export interface UpstashLocal {
  /** What UPSTASH_REDIS_REST_URL should be. */
  url: string;
  /** What UPSTASH_REDIS_REST_TOKEN should be. */
  token: string;
  redisPort: number;
  close(): Promise<void>;
}

export async function startUpstashLocal(options: { port?: number; redisPort?: number; token?: string } = {}): Promise<UpstashLocal> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const redis = await startRedis(options.redisPort);
  let connection: RedisConnection | undefined;
  try {
    connection = await RedisConnection.connect(redis.port);
    const server = createUpstashServer({ redis: connection, token });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const conn = connection;
    return {
      url: `http://127.0.0.1:${port}`,
      token,
      redisPort: redis.port,
      async close() {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        conn.close();
        await redis.stop();
      },
    };
  } catch (error) {
    connection?.close();
    await redis.stop();
    throw error;
  }
}
