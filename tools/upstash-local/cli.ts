/**
 * A local Upstash Redis REST endpoint for development and tests:
 *   tsx tools/upstash-local/cli.ts [--port 8079] [--redis-port N] [--token T]
 * Prints one JSON line (url, token) and runs until Ctrl-C. Point the functions at it with
 * UPSTASH_REDIS_REST_URL and UPSTASH_REDIS_REST_TOKEN.
 */
import { startUpstashLocal } from './local.ts';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const port = option('port');
const redisPort = option('redis-port');
const local = await startUpstashLocal({
  port: port ? Number(port) : 8079,
  redisPort: redisPort ? Number(redisPort) : undefined,
  token: option('token'),
});
console.log(JSON.stringify({ url: local.url, token: local.token, redis_port: local.redisPort }));
await new Promise<void>((resolve) => {
  process.once('SIGINT', resolve);
  process.once('SIGTERM', resolve);
});
await local.close();
