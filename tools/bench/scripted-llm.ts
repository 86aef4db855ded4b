/**
 * A scripted OpenAI-compatible provider for the bench: `POST /v1/chat/completions` with
 * `stream: true` answers as OpenAI's Chat Completions stream does (SSE `data:` chunks with
 * `choices[0].delta.content`, a `finish_reason`, a usage chunk with `choices: []`, then
 * `data: [DONE]`), after a fixed time to first token and at a fixed token rate. It notes when it
 * wrote each reply's first token, keyed by the caller's words, as wall-clock milliseconds
 * (`performance.timeOrigin + performance.now()`, comparable across threads).
 *
 * It runs in a process of its own: writing 4,000 tokens a second on the simulator's event loop
 * would delay the simulated Twilio's reading of the very tokens being measured.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BENCH_REPLY =
  'Sure. We are open Monday to Friday, nine in the morning to six in the evening, Eastern time, and you can leave a message any time after hours. Is there anything else I can help you with today?';

export interface ScriptedLlm {
  baseUrl: string;
  /** The caller's words (the last user message) → when the first token was written (wall-clock ms). */
  firstTokenAt: Map<string, number>;
  requests: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Milliseconds on the wall clock, which the bench and the provider's process share. */
export const wallMs = () => performance.timeOrigin + performance.now();

type Options = { firstTokenMs: number; tokensPerSecond: number; reply?: string; port?: number };
type FromWorker = { listening: number } | { firstToken: string; at: number } | { request: true };

/** Tokens as a model streams them: words with their leading space. */
export function tokensOf(text: string): string[] {
  return text.split(/(?= )/);
}

/** The provider's HTTP server, in its own process: it reports requests and first tokens to `report`. */
async function serve(o: Options, report: (m: FromWorker) => void): Promise<Server> {
  const tokens = tokensOf(o.reply ?? BENCH_REPLY);
  const noted = new Set<string>();
  let served = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      report({ request: true });
      served++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; messages: { role: string; content: unknown }[] };
      const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
      const key = typeof lastUser?.content === 'string' ? lastUser.content : '';
      const id = `chatcmpl-${served}`;
      const chunk = (delta: Record<string, unknown>, finish: string | null) => `data: ${JSON.stringify({
        id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: body.model,
        choices: [{ index: 0, delta, finish_reason: finish }], usage: null })}\n\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.flushHeaders();
      await sleep(o.firstTokenMs);
      const gap = 1000 / o.tokensPerSecond;
      const start = performance.now();
      for (const [i, token] of tokens.entries()) {
        if (res.destroyed) return;
        // Paced against the clock, so the rate holds under load instead of drifting.
        const due = start + i * gap - performance.now();
        if (due > 0) await sleep(due);
        res.write(chunk(i === 0 ? { role: 'assistant', content: token } : { content: token }, null));
        if (i === 0 && !noted.has(key)) {
          noted.add(key);
          report({ firstToken: key, at: wallMs() });
        }
      }
      res.write(chunk({}, 'stop'));
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000),
        model: body.model, choices: [], usage: { prompt_tokens: 200, completion_tokens: tokens.length, total_tokens: 200 + tokens.length } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, '127.0.0.1', resolve));
  return server;
}

const SERVE_ARG = '--serve-scripted-llm';
if (process.argv[2] === SERVE_ARG) {
  const server = await serve(JSON.parse(process.argv[3]!) as Options, (m) => process.send!(m));
  process.send!({ listening: (server.address() as AddressInfo).port } satisfies FromWorker);
  process.on('message', (m) => {
    if (m !== 'close') return;
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}

/** Starts the provider in a child process; `port` 0 picks a free one (the stack's functions accept layout.benchLlmPort). */
export async function startScriptedLlm(o: Options): Promise<ScriptedLlm> {
  const worker = fork(fileURLToPath(import.meta.url), [SERVE_ARG, JSON.stringify(o)], { execArgv: ['--import', 'tsx'] });
  const firstTokenAt = new Map<string, number>();
  const state = { requests: 0 };
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the scripted provider exited (${code}) before listening`)));
    worker.on('message', (m: FromWorker) => {
      if ('listening' in m) resolve(m.listening);
      else if ('firstToken' in m) firstTokenAt.set(m.firstToken, m.at);
      else state.requests++;
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    firstTokenAt,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => {
      worker.once('exit', () => resolve());
      worker.send('close');
    }),
  };
}
