/**
 * A scripted OpenAI-compatible provider for the bench: `POST /v1/chat/completions` with
 * `stream: true` answers as OpenAI's Chat Completions stream does (SSE `data:` chunks with
 * `choices[0].delta.content`, a `finish_reason`, a usage chunk with `choices: []`, then
 * `data: [DONE]`), after a fixed time to first token and at a fixed token rate. It notes when it
 * wrote each reply's first token, keyed by the caller's words, on this process's clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export const BENCH_REPLY =
  'Sure. We are open Monday to Friday, nine in the morning to six in the evening, Eastern time, and you can leave a message any time after hours. Is there anything else I can help you with today?';

export interface ScriptedLlm {
  baseUrl: string;
  /** The caller's words (the last user message) → when the first token was written. */
  firstTokenAt: Map<string, number>;
  requests: number;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Tokens as a model streams them: words with their leading space. */
export function tokensOf(text: string): string[] {
  return text.split(/(?= )/);
}

export async function startScriptedLlm(o: { firstTokenMs: number; tokensPerSecond: number; reply?: string }): Promise<ScriptedLlm> {
  const tokens = tokensOf(o.reply ?? BENCH_REPLY);
  const firstTokenAt = new Map<string, number>();
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
        return;
      }
      state.requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { model: string; messages: { role: string; content: unknown }[] };
      const lastUser = [...body.messages].reverse().find((m) => m.role === 'user');
      const key = typeof lastUser?.content === 'string' ? lastUser.content : '';
      const id = `chatcmpl-${state.requests}`;
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
        if (i === 0 && !firstTokenAt.has(key)) firstTokenAt.set(key, performance.now());
      }
      res.write(chunk({}, 'stop'));
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000),
        model: body.model, choices: [], usage: { prompt_tokens: 200, completion_tokens: tokens.length, total_tokens: 200 + tokens.length } })}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    firstTokenAt,
    get requests() {
      return state.requests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
