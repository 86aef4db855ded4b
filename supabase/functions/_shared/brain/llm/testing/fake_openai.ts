/**
 * A local stand-in for OpenAI's Chat Completions API (`POST /v1/chat/completions`, streaming),
 * speaking its wire protocol: `data: {chat.completion.chunk}` events, tool-call deltas keyed by
 * `index` with the arguments split across chunks, a usage-only chunk when
 * `stream_options.include_usage` is set, then `data: [DONE]`; errors as `{ error: {...} }`.
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

type Msg = {
  role: string;
  content?: unknown;
  tool_calls?: { id: string; function: { name: string } }[];
  tool_call_id?: string;
};

function error(
  status: number,
  message: string,
  type: string,
  code: string | null,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error: { message, type, param: null, code } }), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': `req_fake${status}`, ...headers },
  });
}

/** The checks the real API makes that an adapter could get wrong. */
function invalid(body: Record<string, unknown>): string | null {
  if (typeof body.model !== 'string') return 'you must provide a model parameter';
  const msgs = body.messages as Msg[] | undefined;
  if (!Array.isArray(msgs) || !msgs.length) return "'messages' must contain at least one message";
  for (let i = 0; i < msgs.length; i++) {
    const m = msgs[i];
    if (m.role === 'tool') {
      const prev = msgs.slice(0, i).reverse().find((p) => p.role !== 'tool');
      if (!prev?.tool_calls?.some((c) => c.id === m.tool_call_id)) {
        return "messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.";
      }
    }
    if (m.tool_calls?.length) {
      const answered = new Set(msgs.slice(i + 1).filter((p) => p.role === 'tool').map((p) => p.tool_call_id));
      if (m.tool_calls.some((c) => !answered.has(c.id))) {
        return "An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'.";
      }
    }
  }
  return null;
}

const openAiProtocol: Protocol = {
  path: '/v1/chat/completions',
  error: (status, message) =>
    error(status, message, status === 404 ? 'invalid_request_error' : 'server_error', null),
  validate(req, body) {
    const auth = req.headers.get('authorization') ?? '';
    if (!/^Bearer \S+/.test(auth) && !req.headers.get('x-api-key')) {
      return error(401, 'You did not provide an API key.', 'invalid_request_error', null);
    }
    if (!body || typeof body !== 'object') {
      return error(400, 'We could not parse the JSON body of your request.', 'invalid_request_error', null);
    }
    const problem = invalid(body as Record<string, unknown>);
    return problem ? error(400, problem, 'invalid_request_error', null) : null;
  },
  render(reply: FakeReply, body, n) {
    switch (reply.kind) {
      case 'rate_limit':
        return error(
          429,
          'Rate limit reached for requests per min (RPM): Limit 3, Used 3, Requested 1.',
          'requests',
          'rate_limit_exceeded',
          {
            'retry-after': String(reply.retryAfterS ?? 1),
            'x-ratelimit-remaining-requests': '0',
          },
        );
      case 'server_error':
        return error(
          500,
          'The server had an error while processing your request. Sorry about that!',
          'server_error',
          null,
        );
      case 'overloaded':
        return error(503, 'The engine is currently overloaded, please try again later', 'server_error', null);
      case 'garbage':
        return new Response(HTML_ERROR_PAGE, { status: 200, headers: { 'content-type': 'text/html' } });
    }
    const model = ('model' in reply && reply.model) || String(body.model);
    const withUsage =
      (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const base = {
      id: `chatcmpl-fake${n}`,
      object: 'chat.completion.chunk',
      created: 1764081000,
      model,
      system_fingerprint: 'fp_fake',
    };
    const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({
      ...base,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(withUsage ? { usage: null } : {}),
    });
    const out: unknown[] = [chunk({ role: 'assistant', content: '', refusal: null })];
    if (reply.kind === 'stream_error') {
      const err = {
        error: {
          message: 'The server had an error while processing your request.',
          type: 'server_error',
          param: null,
          code: null,
        },
      };
      return [`data: ${JSON.stringify(out[0])}\n\n`, `data: ${JSON.stringify(err)}\n\n`];
    }
    const text = reply.kind === 'text' ? reply.text : reply.kind === 'tools' ? reply.text ?? '' : '';
    if (text) { for (const p of pieces(text, 4)) out.push(chunk({ content: p })); }
    const calls = reply.kind === 'tools' ? reply.calls : [];
    calls.forEach((c, i) => {
      const id = c.id ?? `call_fake${n}_${i}`;
      out.push(
        chunk({
          tool_calls: [{ index: i, id, type: 'function', function: { name: c.name, arguments: '' } }],
        }),
      );
      for (const p of pieces(JSON.stringify(c.arguments), 3)) {
        out.push(chunk({ tool_calls: [{ index: i, function: { arguments: p } }] }));
      }
    });
    out.push(chunk({}, calls.length ? 'tool_calls' : 'stop'));
    if (withUsage) {
      const u = ('usage' in reply && reply.usage) || estimateUsage(body, text + JSON.stringify(calls));
      out.push({
        ...base,
        choices: [],
        usage: {
          prompt_tokens: u.input,
          completion_tokens: u.output,
          total_tokens: u.input + u.output,
          prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
          completion_tokens_details: {
            reasoning_tokens: 0,
            audio_tokens: 0,
            accepted_prediction_tokens: 0,
            rejected_prediction_tokens: 0,
          },
        },
      });
    }
    return [...out.map((o) => `data: ${JSON.stringify(o)}\n\n`), 'data: [DONE]\n\n'];
  },
};

/** Start a fake OpenAI server; give the SDK `server.url` (it ends in `/v1`) as `baseURL`. */
export function startFakeOpenAi(): FakeServer {
  return startFake(openAiProtocol, { basePath: '/v1' });
}

/** What the request's last message is: the caller's words, or the results of the tools just called. */
export function openAiLastInput(body: Record<string, unknown>): LastInput {
  const msgs = body.messages as Msg[];
  const last = msgs.at(-1)!;
  const callerText = String([...msgs].reverse().find((m) => m.role === 'user')?.content ?? '');
  if (last.role !== 'tool') return { kind: 'user', text: String(last.content ?? ''), callerText };
  const assistant = [...msgs].reverse().find((m) => m.role === 'assistant' && m.tool_calls)!;
  const tail = msgs.slice(msgs.lastIndexOf(assistant) + 1);
  return {
    kind: 'tool_results',
    callerText,
    results: tail.map((t) => ({
      name: assistant.tool_calls!.find((c) => c.id === t.tool_call_id)?.function.name ?? '',
      content: String(t.content ?? ''),
    })),
  };
}
