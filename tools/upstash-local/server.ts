/**
 * A local stand-in for Upstash's Redis REST API, over a real redis-server:
 *   POST /             body ["set","k","v"]            → { "result": ... }  or 400 { "error": "..." }
 *   POST /pipeline     body [["set","k","v"],["get","k"]] → [{ "result": ... } | { "error": "..." }, ...]
 *   POST /multi-exec   the same, run inside MULTI ... EXEC
 *   GET|POST /cmd/arg/arg...  the path form (a POST body is the last argument)
 * Every request needs `authorization: Bearer <token>`. With `upstash-encoding: base64` string
 * results come back base64-encoded (the simple string OK stays as it is at the top level), which
 * is what @upstash/redis asks for by default.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { RedisConnection, RedisReplyError, type Reply } from './resp.ts';
import { ScriptTranslator } from './scripts.ts';

const MAX_BODY_BYTES = 1024 * 1024;

type Command = string[];
type Answer = { result: unknown } | { error: string };

class BadRequest extends Error {}

/** A reply as JSON; `top` marks the outermost value (where the client keeps a bare OK). */
export function encodeReply(reply: Reply, base64: boolean, top = true): unknown {
  if (reply instanceof RedisReplyError) return reply.message;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString('base64') : reply.toString('utf8');
  if (typeof reply === 'string') return !base64 || (top && reply === 'OK') ? reply : Buffer.from(reply).toString('base64');
  if (Array.isArray(reply)) return reply.map((item) => encodeReply(item, base64, false));
  return reply;
}

function answerOf(reply: Reply, base64: boolean): Answer {
  return reply instanceof RedisReplyError ? { error: reply.message } : { result: encodeReply(reply, base64) };
}

function toCommand(value: unknown): Command {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest('ERR a command must be a non-empty JSON array');
  return value.map((arg) => {
    if (typeof arg === 'string') return arg;
    if (typeof arg === 'number' || typeof arg === 'boolean') return String(arg);
    if (arg === null) throw new BadRequest('ERR null is not a valid argument');
    return JSON.stringify(arg);
  });
}

function toCommands(value: unknown): Command[] {
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest('ERR a pipeline must be a non-empty array of commands');
  return value.map(toCommand);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new BadRequest('ERR request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('ERR the body is not valid JSON');
  }
}

function authorized(req: IncomingMessage, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
  const expected = Buffer.from(token);
  return /^Bearer\s+/i.test(header) && given.length === expected.length && timingSafeEqual(given, expected);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** Runs commands in one write (translating Lua scripts for Redis 7.0); one reply per command. */
async function runCommands(redis: RedisConnection, scripts: ScriptTranslator, commands: Command[], transaction = false): Promise<Reply[]> {
  const sent = commands.map((c) => scripts.translate(c));
  const fix = (replies: Reply[]) => replies.map((reply, i) => {
    const sha = scripts.scriptLoadSha(commands[i]!);
    return sha && !(reply instanceof RedisReplyError) ? Buffer.from(sha) : reply;
  });
  if (!transaction) return fix(await redis.send(sent));
  const replies = await redis.send([['MULTI'], ...sent, ['EXEC']]);
  const queued = replies.slice(1, -1).find((r) => r instanceof RedisReplyError);
  if (queued) throw queued;
  const exec = replies[replies.length - 1]!;
  if (exec instanceof RedisReplyError) throw exec;
  if (!Array.isArray(exec)) throw new RedisReplyError('EXECABORT transaction aborted');
  return fix(exec);
}

async function handle(redis: RedisConnection, scripts: ScriptTranslator, token: string, req: IncomingMessage,
  res: ServerResponse): Promise<void> {
  if (!authorized(req, token)) return send(res, 401, { error: 'Unauthorized' });
  const base64 = String(req.headers['upstash-encoding'] ?? '').toLowerCase() === 'base64';
  const path = new URL(req.url ?? '/', 'http://local').pathname;
  const body = req.method === 'POST' ? await readBody(req) : '';

  if (path === '/pipeline' || path === '/multi-exec') {
    if (req.method !== 'POST') return send(res, 405, { error: 'ERR method not allowed' });
    const commands = toCommands(parseJson(body));
    try {
      const replies = await runCommands(redis, scripts, commands, path === '/multi-exec');
      return send(res, 200, replies.map((r) => answerOf(r, base64)));
    } catch (error) {
      if (error instanceof RedisReplyError) return send(res, 400, { error: error.message });
      throw error;
    }
  }

  let command: Command;
  if (path === '/' || path === '') {
    if (req.method !== 'POST') return send(res, 405, { error: 'ERR method not allowed' });
    command = toCommand(parseJson(body));
  } else {
    command = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (req.method === 'POST' && body !== '') command.push(body);
  }
  const [reply] = await runCommands(redis, scripts, [command]);
  const answer = answerOf(reply!, base64);
  return send(res, 'error' in answer ? 400 : 200, answer);
}

export interface UpstashServerOptions {
  redis: RedisConnection;
  token: string;
}

/** An HTTP server speaking Upstash's REST protocol; call listen() on it. */
export function createUpstashServer({ redis, token }: UpstashServerOptions): Server {
  if (!token) throw new Error('a token is required');
  const scripts = new ScriptTranslator();
  return createServer((req, res) => {
    handle(redis, scripts, token, req, res).catch((error: unknown) => {
      if (error instanceof BadRequest) return send(res, 400, { error: error.message });
      send(res, 500, { error: `ERR ${error instanceof Error ? error.message : 'internal error'}` });
    });
  });
}
