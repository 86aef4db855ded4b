/**
 * The stand-in's TLS front: `Deno.serve` with a certificate leaves Nagle's algorithm on for the
 * sockets it accepts (plain `Deno.serve` turns it off), so a small event written just before an
 * audio delta held that delta until the bridge's side acknowledged the event: up to the next
 * caller frame, 20 ms, counted as the bridge's first-audio overhead. A streaming API's server
 * writes at once, so the stand-in terminates TLS here, with TCP_NODELAY on both legs, and hands
 * the plain bytes to its `Deno.serve` on a loopback port of its own.
 */
import { connect } from 'node:net';
import { createServer } from 'node:tls';

export interface TlsFront {
  close(): Promise<void>;
}

/** Listens on `port` with TLS and pipes every connection to `innerPort` on 127.0.0.1. */
export function serveTlsFront(o: { port: number; cert: string; key: string; innerPort: number; onListen?: () => void }):
  TlsFront {
  const server = createServer({ cert: o.cert, key: o.key, noDelay: true }, (outer) => {
    outer.setNoDelay(true);
    const inner = connect({ host: '127.0.0.1', port: o.innerPort, noDelay: true });
    inner.setNoDelay(true);
    const end = () => {
      outer.destroy();
      inner.destroy();
    };
    outer.on('error', end).on('close', end);
    inner.on('error', end).on('close', end);
    outer.pipe(inner);
    inner.pipe(outer);
  });
  server.listen(o.port, '127.0.0.1', o.onListen);
  return { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
