/**
 * A minimal Redis client over one TCP connection: commands are written as RESP arrays of bulk
 * strings and replies are matched to them in order (Redis answers a connection's commands in the
 * order it received them), so many requests can be in flight at once.
 */
import { createConnection, type Socket } from 'node:net';

/** A Redis error reply (`-ERR ...`), kept as a value so a pipeline can carry it beside results. */
export class RedisReplyError extends Error {
  override name = 'RedisReplyError';
}

/** A decoded reply: bulk strings stay bytes, simple strings become text. */
export type Reply = Buffer | string | number | null | RedisReplyError | Reply[];

type Pending = { resolve: (reply: Reply) => void; reject: (error: Error) => void };

const CRLF = Buffer.from('\r\n');

/** Encodes one command as a RESP array of bulk strings. */
export function encodeCommand(args: ReadonlyArray<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, CRLF);
  }
  return Buffer.concat(parts);
}

/**
 * Parses one reply starting at `offset`; returns it and where it ends, or null when the buffer
 * does not hold a whole reply yet.
 */
export function parseReply(buf: Buffer, offset = 0): { reply: Reply; end: number } | null {
  const lineEnd = buf.indexOf(CRLF, offset);
  if (lineEnd < 0) return null;
  const type = String.fromCharCode(buf[offset]!);
  const line = buf.toString('utf8', offset + 1, lineEnd);
  const next = lineEnd + 2;
  switch (type) {
    case '+': return { reply: line, end: next };
    case '-': return { reply: new RedisReplyError(line), end: next };
    case ':': return { reply: Number(line), end: next };
    case '$': {
      const size = Number(line);
      if (size < 0) return { reply: null, end: next };
      if (buf.length < next + size + 2) return null;
      return { reply: buf.subarray(next, next + size), end: next + size + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, end: next };
      const items: Reply[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, at);
        if (!item) return null;
        items.push(item.reply);
        at = item.end;
      }
      return { reply: items, end: at };
    }
    default:
      throw new Error(`unexpected RESP type byte ${JSON.stringify(type)}`);
  }
}

export class RedisConnection {
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private closed: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => this.fail(new Error('redis connection closed')));
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RedisConnection> {
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host, port });
      socket.once('connect', () => {
        socket.removeListener('error', reject);
        resolve(new RedisConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  /**
   * Sends commands in one write, so no other caller's command lands between them (what a
   * MULTI ... EXEC block needs); resolves with one reply per command.
   */
  send(commands: ReadonlyArray<ReadonlyArray<string | Buffer>>): Promise<Reply[]> {
    if (this.closed) return Promise.reject(this.closed);
    const replies = commands.map(() => new Promise<Reply>((resolve, reject) => this.pending.push({ resolve, reject })));
    this.socket.write(Buffer.concat(commands.map(encodeCommand)));
    return Promise.all(replies);
  }

  close(): void {
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    let offset = 0;
    for (;;) {
      if (offset >= this.buffer.length) break;
      const parsed = parseReply(this.buffer, offset);
      if (!parsed) break;
      offset = parsed.end;
      this.pending.shift()?.resolve(parsed.reply);
    }
    this.buffer = offset >= this.buffer.length ? Buffer.alloc(0) : this.buffer.subarray(offset);
  }

  private fail(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}
