/**
 * Structured logs, one JSON object per line. Messages are fixed sentences; identifiers go in
 * fields. Never put a transcript, a phone number or a tool argument in a message or a field.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export function createLogger(write: (line: string) => void = (line) => console.log(line)): Logger {
  const emit = (level: string) => (message: string, fields: LogFields = {}) =>
    write(JSON.stringify({ level, message, ...fields, at: new Date().toISOString() }));
  return { info: emit('info'), warn: emit('warn'), error: emit('error') };
}

/** A logger that keeps lines in memory, for tests. */
export function memoryLogger(): Logger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { ...createLogger((line) => lines.push(JSON.parse(line))), lines };
}

/** SQLSTATEs our own SQL functions raise, with fixed messages that carry no caller data. */
const ownSqlStates = new Set(['P0001', 'P0002', '22023', '22007', '42501']);

/**
 * The name and message of an error, safe to log. Postgres's own messages can quote a value
 * ("invalid input syntax for type uuid: ..."), so for those only the SQLSTATE is kept.
 */
export function errorFields(err: unknown): LogFields {
  if (!(err instanceof Error)) return { error: 'non-error thrown' };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) {
    return { error: err.name, sqlstate: code, detail: ownSqlStates.has(code) ? err.message.slice(0, 300) : undefined };
  }
  return { error: err.name, detail: err.message.slice(0, 300) };
}
