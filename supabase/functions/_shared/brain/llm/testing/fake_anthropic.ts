/**
 * A local stand-in for Anthropic's Messages API (`POST /v1/messages`, streaming), speaking its
 * wire protocol: `event:`/`data:` pairs message_start, content_block_start/delta/stop (text_delta,
 * input_json_delta), ping, message_delta with usage, message_stop; errors as
 * `{ type: 'error', error: { type, message }, request_id }`. Accepts `x-api-key` or Bearer auth.
 */
import {
  estimateUsage,
  type FakeReply,
  type FakeServer,
  HTML_ERROR_PAGE,
  type LastInput,
  pieces,
  type Protocol,
  startFake,
} from './fake_server.ts';

type Block = {
  type: string;
  text?: string;
  id?: string;
  name?: string;
  tool_use_id?: string;
  content?: unknown;
};
type Msg = { role: string; content: string | Block[] };

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function error(status: number, message: string, headers: Record<string, string> = {}): Response {
  const request_id = `req_fake${status}`;
  return new Response(
    JSON.stringify({
      type: 'error',
      error: { type: ERROR_TYPES[status] ?? 'api_error', message },
      request_id,
    }),
    {
      status,
      headers: { 'content-type': 'application/json', 'request-id': request_id, ...headers },
    },
  );
}

const blocks = (
  m: Msg,
): Block[] => (typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content);

/** The checks the real API makes that an adapter could get wrong. */
function invalid(body: Record<string, unknown>): string | null {
  if (typeof body.model !== 'string') return 'model: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  const msgs = body.messages as Msg[] | undefined;
  if (!Array.isArray(msgs) || !msgs.length) return 'messages: at least one message is required';
  const hasTools = Array.isArray(body.tools) && body.tools.length > 0;
  for (let i = 0; i < msgs.length; i++) {
    const bs = blocks(msgs[i]);
    if (!['user', 'assistant'].includes(msgs[i].role)) {
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    }
    if (bs.some((b) => b.type === 'text' && !b.text?.trim())) {
      return `messages.${i}: text content blocks must be non-empty`;
    }
    if (!hasTools && bs.some((b) => b.type === 'tool_use' || b.type === 'tool_result')) {
      return 'Requests which include `tool_use` or `tool_result` blocks must define tools.';
    }
    const uses = bs.filter((b) => b.type === 'tool_use').map((b) => b.id);
    if (uses.length) {
      const next = msgs[i + 1] ? blocks(msgs[i + 1]) : [];
      const answered = new Set(next.filter((b) => b.type === 'tool_result').map((b) => b.tool_use_id));
      if (uses.some((id) => !answered.has(id))) {
        return `messages.${
          i + 1
        }: \`tool_use\` ids were found without \`tool_result\` blocks immediately after`;
      }
    }
    const firstText = bs.findIndex((b) => b.type !== 'tool_result');
    if (bs.slice(firstText < 0 ? bs.length : firstText).some((b) => b.type === 'tool_result')) {
      return `messages.${i}: tool_result blocks must come first in the user message content`;
    }
  }
  return null;
}

const sse = (type: string, data: Record<string, unknown>) =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const anthropicProtocol: Protocol = {
  path: '/v1/messages',
  error,
  validate(req, body) {
    const auth = req.headers.get('x-api-key') ||
      (req.headers.get('authorization') ?? '').replace(/^Bearer\s+/, '');
    if (!auth) return error(401, 'x-api-key header is required');
    if (!req.headers.get('anthropic-version')) return error(400, 'anthropic-version: header is required');
    if (!body || typeof body !== 'object') {
      return error(400, 'There was an error parsing the body of your request.');
    }
    const problem = invalid(body as Record<string, unknown>);
    return problem ? error(400, problem) : null;
  },
  render(reply: FakeReply, body, n) {
    switch (reply.kind) {
      case 'rate_limit':
        return error(429, 'This request would exceed the rate limit for your organization.', {
          'retry-after': String(reply.retryAfterS ?? 1),
          'anthropic-ratelimit-requests-remaining': '0',
        });
      case 'server_error':
        return error(500, 'Internal server error');
      case 'overloaded':
        return error(529, 'Overloaded');
      case 'garbage':
        return new Response(HTML_ERROR_PAGE, { status: 200, headers: { 'content-type': 'text/html' } });
    }
    const model = ('model' in reply && reply.model) || String(body.model);
    const text = reply.kind === 'text' ? reply.text : reply.kind === 'tools' ? reply.text ?? '' : '';
    const calls = reply.kind === 'tools' ? reply.calls : [];
    const u = ('usage' in reply && reply.usage) || estimateUsage(body, text + JSON.stringify(calls));
    const out = [sse('message_start', {
      message: {
        id: `msg_fake${n}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: u.input,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
          service_tier: 'standard',
        },
      },
    })];
    if (reply.kind === 'stream_error') {
      return [
        ...out,
        `event: error\ndata: ${
          JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })
        }\n\n`,
      ];
    }
    let index = 0;
    if (text || !calls.length) {
      out.push(
        sse('content_block_start', { index, content_block: { type: 'text', text: '' } }),
        sse('ping', {}),
      );
      if (text) {
        for (const p of pieces(text, 4)) {
          out.push(sse('content_block_delta', { index, delta: { type: 'text_delta', text: p } }));
        }
      }
      out.push(sse('content_block_stop', { index }));
      index++;
    }
    calls.forEach((c, i) => {
      const id = c.id ?? `toolu_fake${n}_${i}`;
      out.push(
        sse('content_block_start', {
          index,
          content_block: { type: 'tool_use', id, name: c.name, input: {} },
        }),
      );
      out.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }));
      for (const p of pieces(JSON.stringify(c.arguments), 3)) {
        out.push(sse('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: p } }));
      }
      out.push(sse('content_block_stop', { index }));
      index++;
    });
    out.push(
      sse('message_delta', {
        delta: { stop_reason: calls.length ? 'tool_use' : 'end_turn', stop_sequence: null },
        usage: { output_tokens: u.output },
      }),
      sse('message_stop', {}),
    );
    return out;
  },
};

/** Start a fake Anthropic server; give the SDK `server.url` (no `/v1`) as `baseURL`. */
export function startFakeAnthropic(): FakeServer {
  return startFake(anthropicProtocol);
}

/** What the request's last turn is: the caller's words, or the results of the tools just called. */
export function anthropicLastInput(body: Record<string, unknown>): LastInput {
  const msgs = body.messages as Msg[];
  const textOf = (bs: Block[]) => bs.filter((b) => b.type === 'text').map((b) => b.text).join(' ');
  const lastSaid = [...msgs].reverse().find((m) =>
    m.role === 'user' && blocks(m).some((b) => b.type === 'text')
  );
  const callerText = lastSaid ? textOf(blocks(lastSaid)) : '';
  const last = blocks(msgs.at(-1)!);
  const results = last.filter((b) => b.type === 'tool_result');
  if (!results.length) return { kind: 'user', text: textOf(last), callerText };
  const uses = blocks(msgs.at(-2)!).filter((b) => b.type === 'tool_use');
  return {
    kind: 'tool_results',
    callerText,
    results: results.map((r) => ({
      name: uses.find((u) => u.id === r.tool_use_id)?.name ?? '',
      content: typeof r.content === 'string' ? r.content : JSON.stringify(r.content),
    })),
  };
}
