/**
 * A tiny stand-in for OpenAI's Chat Completions endpoint on node:http, misbehaving on demand:
 * it hangs, answers 500, answers garbage, or (to prove the route works) streams a real reply.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeMode = 'ok' | 'hang' | 'hang-mid-stream' | 'error-500' | 'garbage-html' | 'garbage-stream' | 'garbage-reply';

export const FAKE_REPLY = 'This answer came from the fake model.';

export interface FakeLlm {
  /** What OPENAI_BASE_URL should be. */
  baseUrl: string;
  mode: FakeMode;
  requests: number;
  close(): Promise<void>;
}

function chunk(res: ServerResponse, body: unknown): void {
  res.write(`data: ${JSON.stringify(body)}\n\n`);
}

function streamReply(res: ServerResponse, text: string, finish = true): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: 'gpt-fake' };
  chunk(res, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: text }, finish_reason: null }] });
  if (!finish) return;
  chunk(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  chunk(res, { ...base, choices: [], usage: { prompt_tokens: 50, completion_tokens: 9, total_tokens: 59 } });
  res.end('data: [DONE]\n\n');
}

export async function startFakeLlm(): Promise<FakeLlm> {
  const state = { mode: 'ok' as FakeMode, requests: 0 };
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      state.requests++;
      switch (state.mode) {
        case 'ok': return streamReply(res, FAKE_REPLY);
        case 'hang': return; // never answers
        case 'hang-mid-stream': return streamReply(res, 'Let me think', false);
        case 'error-500':
          res.writeHead(500, { 'content-type': 'application/json' });
          return res.end(JSON.stringify({ error: { message: 'The server had an error', type: 'server_error', code: null } }));
        case 'garbage-html':
          res.writeHead(200, { 'content-type': 'text/html' });
          return res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
        case 'garbage-stream':
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          return res.end('data: {"id": "x", "choices": [{"delta": {"content": "trunc\n\ndata: ###\n\n');
        case 'garbage-reply':
          return streamReply(res, '{"name": "transfer_to_human", "arguments": {"phone": "+15550100666"}}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    get mode() { return state.mode; },
    set mode(m: FakeMode) { state.mode = m; },
    get requests() { return state.requests; },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
