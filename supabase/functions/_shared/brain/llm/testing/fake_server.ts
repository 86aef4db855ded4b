/**
 * Plumbing shared by the fake vendor servers: a `Deno.serve` on 127.0.0.1 (port 0) that records
 * every request and answers each one from a script or a conversation function. Each fake renders
 * the same neutral `FakeReply` in its vendor's wire protocol, so one scenario plays against both.
 */

/** What the fake should answer to one request. */
export type FakeReply =
  | { kind: 'text'; text: string; usage?: FakeUsage; model?: string }
  | { kind: 'tools'; calls: FakeToolCall[]; text?: string; usage?: FakeUsage; model?: string }
  | { kind: 'rate_limit'; retryAfterS?: number }
  | { kind: 'server_error' }
  | { kind: 'overloaded' }
  /** Never answers: no status line, no headers, until the client gives up. */
  | { kind: 'hang' }
  /** Sends the headers and the first event, then nothing more. */
  | { kind: 'stall' }
  /** Starts streaming, then sends the vendor's in-stream error event. */
  | { kind: 'stream_error' }
  /** A 200 whose body is a proxy's HTML error page. */
  | { kind: 'garbage' }
  /** A well-formed stream with no text and no tool calls. */
  | { kind: 'empty' };

export interface FakeUsage {
  input: number;
  output: number;
}

export interface FakeToolCall {
  name: string;
  arguments: Record<string, unknown>;
  id?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: unknown;
}

/** The end of a request, vendor-neutral: the caller's words, or the results of the tools just called. */
export type LastInput =
  | { kind: 'user'; text: string; callerText: string }
  | { kind: 'tool_results'; results: { name: string; content: string }[]; callerText: string };

/** Decides the reply from the request body and its position (0-based) among all requests. */
export type Conversation = (body: Record<string, unknown>, index: number) => FakeReply | Promise<FakeReply>;

export interface FakeServer {
  /** The base URL to give the SDK. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Queue replies for the next requests, in order. */
  script(...replies: FakeReply[]): void;
  /** Answer every request not covered by the script with this function. */
  converse(fn: Conversation): void;
  close(): Promise<void>;
}

/** A vendor's half: check a request, render a reply. */
export interface Protocol {
  path: string;
  /** A vendor error response for a malformed request, or null when it is acceptable. */
  validate(req: Request, body: unknown): Response | null;
  /** Events (already framed) for a streamed reply, or a whole Response. */
  render(reply: FakeReply, body: Record<string, unknown>, n: number): string[] | Response;
  error(status: number, message: string): Response;
}

/** Split a string into `parts` roughly equal pieces (at least one). */
export function pieces(s: string, parts: number): string[] {
  if (!s) return [''];
  const size = Math.max(1, Math.ceil(s.length / parts));
  const out: string[] = [];
  for (let i = 0; i < s.length; i += size) out.push(s.slice(i, i + size));
  return out;
}

/** Rough token counts, deterministic, for replies that do not script their usage. */
export function estimateUsage(body: unknown, text: string): FakeUsage {
  return {
    input: Math.ceil(JSON.stringify(body).length / 4),
    output: Math.max(1, Math.ceil(text.length / 4)),
  };
}

export const HTML_ERROR_PAGE =
  '<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>bad gateway</body></html>';

/** Start a fake server speaking `protocol`. */
export function startFake(protocol: Protocol, opts: { basePath?: string } = {}): FakeServer {
  const queue: FakeReply[] = [];
  const requests: RecordedRequest[] = [];
  let conversation: Conversation | undefined;
  const waiting = new Set<() => void>();
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  const enc = new TextEncoder();

  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const headers = Object.fromEntries([...req.headers].map(([k, v]) => [k.toLowerCase(), v]));
    const text = await req.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    requests.push({ method: req.method, path: url.pathname, headers, body });
    if (req.method !== 'POST' || url.pathname !== protocol.path) return protocol.error(404, 'not found');
    const rejected = protocol.validate(req, body);
    if (rejected) return rejected;
    const n = requests.length - 1;
    const b = body as Record<string, unknown>;
    const reply = queue.shift() ?? (conversation ? await conversation(b, n) : undefined);
    if (!reply) return protocol.error(500, 'the fake server has no reply scripted for this request');
    if (reply.kind === 'hang') {
      // Released by close(); the client gives up on its own deadline meanwhile.
      await new Promise<void>((resolve) => waiting.add(resolve));
      return new Response(null, { status: 499 });
    }
    const rendered = protocol.render(reply, b, n);
    if (rendered instanceof Response) return rendered;
    const events = reply.kind === 'stall' ? rendered.slice(0, 1) : rendered;
    const stream = new ReadableStream<Uint8Array>({
      async start(c) {
        streams.add(c);
        for (const e of events) {
          c.enqueue(enc.encode(e));
          await new Promise((r) => setTimeout(r, 0));
        }
        if (reply.kind !== 'stall') {
          streams.delete(c);
          c.close();
        }
      },
      cancel() {},
    });
    return new Response(stream, {
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    });
  };

  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, handler);
  const base = `http://127.0.0.1:${server.addr.port}${opts.basePath ?? ''}`;
  return {
    url: base,
    requests,
    script: (...replies) => void queue.push(...replies),
    converse: (fn) => void (conversation = fn),
    async close() {
      for (const resolve of waiting) resolve();
      for (const c of streams) {
        try {
          c.close();
        } catch { /* already closed by a client cancel */ }
      }
      await server.shutdown();
    },
  };
}
