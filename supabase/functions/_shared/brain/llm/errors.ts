/**
 * Typed errors for chat models: what went wrong, and whether trying again (later, or elsewhere)
 * can help. Messages carry the provider, the kind and the HTTP status only: never a key, a
 * prompt or a vendor message (those can echo what the caller said).
 */

export type LlmErrorKind =
  | 'config' // missing credential or setting; nothing to retry
  | 'auth' // 401/403
  | 'bad_request' // other 4xx
  | 'rate_limited' // 429
  | 'server' // 5xx, 529, or an error event inside the stream
  | 'timeout' // the SDK's own timeout
  | 'network' // connection refused, reset, DNS
  | 'aborted' // our deadline signal fired
  | 'bad_response'; // unparsable stream, truncated stream, malformed tool arguments

const RETRYABLE: ReadonlySet<LlmErrorKind> = new Set(['rate_limited', 'server', 'timeout', 'network']);

export class LlmError extends Error {
  override name = 'LlmError';
  readonly retryable: boolean;
  constructor(
    readonly provider: string,
    readonly kind: LlmErrorKind,
    readonly status?: number,
    /** The vendor's error type (e.g. 'rate_limit_error', 'server_error'), when it sent one. */
    readonly vendorType?: string,
    /** From `retry-after-ms` / `retry-after`, for 429 and 5xx. */
    readonly retryAfterMs?: number,
    detail?: string,
  ) {
    super(
      [`${provider}: ${kind}`, status, vendorType, detail].filter((p) => p !== undefined && p !== '').join(
        ' ',
      ),
    );
    this.retryable = RETRYABLE.has(kind);
  }
}

/** A required credential or setting is missing; `names` are the env or setting names, never values. */
export class MissingSettingError extends LlmError {
  constructor(provider: string, readonly names: string[]) {
    super(provider, 'config', undefined, undefined, undefined, `missing ${names.join(', ')}`);
  }
}

/** Throws one MissingSettingError naming every setting an adapter lacks (model, and its key unless optional). */
export function requireSettings(
  provider: string,
  opts: { model?: string; apiKey?: string; keyOptional?: boolean; keyName?: string },
  defaultKeyName: string,
): void {
  const missing = [
    ...(opts.model ? [] : ['model']),
    ...(opts.apiKey || opts.keyOptional ? [] : [opts.keyName ?? defaultKeyName]),
  ];
  if (missing.length) throw new MissingSettingError(provider, missing);
}

function retryAfterMs(headers: unknown): number | undefined {
  if (!(headers instanceof Headers)) return undefined;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') && Number.isFinite(ms)) return ms;
  const raw = headers.get('retry-after');
  if (!raw) return undefined;
  const s = Number(raw);
  if (Number.isFinite(s)) return s * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function vendorErrorType(err: Record<string, unknown>): string | undefined {
  const body = err.error as Record<string, unknown> | undefined;
  const inner = body?.error as Record<string, unknown> | undefined;
  const t = inner?.type ?? body?.type ?? body?.code ?? err.type;
  return typeof t === 'string' && /^[a-z_]{1,40}$/.test(t) ? t : undefined;
}

/**
 * Map anything an SDK throws (OpenAI and Anthropic errors share a shape: `status`, `headers`,
 * `error`, class names) to an `LlmError`. An aborted `signal` wins over what the SDK reports.
 */
export function toLlmError(provider: string, err: unknown, signal?: AbortSignal): LlmError {
  if (err instanceof LlmError) return err;
  if (signal?.aborted) return new LlmError(provider, 'aborted');
  const e = (err ?? {}) as Record<string, unknown>;
  const name = String((err as Error)?.constructor?.name ?? e.name ?? '');
  const status = typeof e.status === 'number' ? e.status : undefined;
  const type = vendorErrorType(e);
  if (status === 429) return new LlmError(provider, 'rate_limited', status, type, retryAfterMs(e.headers));
  if (status === 401 || status === 403) return new LlmError(provider, 'auth', status, type);
  if (status !== undefined && status >= 500) {
    return new LlmError(provider, 'server', status, type, retryAfterMs(e.headers));
  }
  if (status !== undefined && status >= 400) return new LlmError(provider, 'bad_request', status, type);
  if (/Timeout/.test(name)) return new LlmError(provider, 'timeout');
  if (/UserAbort|AbortError/.test(name)) return new LlmError(provider, 'aborted');
  if (/Connection/.test(name)) return new LlmError(provider, 'network');
  if (err instanceof SyntaxError) {
    return new LlmError(provider, 'bad_response', undefined, undefined, undefined, 'unparsable stream');
  }
  // An error event inside a 200 stream arrives as an APIError without a status.
  if (name === 'APIError' || type) return new LlmError(provider, 'server', undefined, type);
  return new LlmError(provider, 'bad_response', undefined, undefined, undefined, name || undefined);
}
