import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { sign } from './twilio-signature.ts';

/** What the application sends Twilio over ConversationRelay, as the simulator understands it. */
export type RelayOutbound =
  | { type: 'text'; token: string; last: boolean; at: number }
  | { type: 'end'; handoffData: string; at: number }
  | { type: 'other'; kind: string; at: number }
  | { type: 'invalid'; reason: string; at: number }
  | { type: 'closed'; at: number };

/** Twilio's setup message fields for this call. */
export type RelaySetup = { callSid: string; accountSid: string; from: string; to: string; customParameters: Record<string, string> };

/**
 * One ConversationRelay WebSocket, Twilio's side: the handshake signed over the wss URL (as
 * Twilio has done since April 2025), `setup` on open, then prompts, keys and interrupts out and
 * the application's messages buffered in order for the call to read.
 */
export class RelayLink {
  readonly sessionId = `VX${Math.random().toString(16).slice(2).padEnd(32, '0').slice(0, 32)}`;
  private readonly inbox: RelayOutbound[] = [];
  private waiter: (() => void) | null = null;
  private socket: WebSocket | null = null;
  closed = false;

  private constructor(readonly url: string) {}

  /** Opens the socket and sends `setup`; rejects when the handshake is refused. */
  static async open(url: string, authToken: string, setup: RelaySetup, timeoutMs = 15_000): Promise<RelayLink> {
    const link = new RelayLink(url);
    const socket = new WebSocket(url, { headers: { 'X-Twilio-Signature': sign(url, [], authToken) }, handshakeTimeout: timeoutMs });
    link.socket = socket;
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', (_req, res) => reject(new Error(`relay handshake refused: HTTP ${res.statusCode}`)));
      socket.once('error', (error) => reject(error));
    });
    socket.on('message', (data, isBinary) => link.receive(isBinary ? null : data.toString('utf8')));
    socket.on('close', () => {
      link.closed = true;
      link.push({ type: 'closed', at: performance.now() });
    });
    socket.on('error', () => {});
    link.send({
      type: 'setup', sessionId: link.sessionId, accountSid: setup.accountSid, parentCallSid: '', callSid: setup.callSid,
      from: setup.from, to: setup.to, forwardedFrom: '', callType: 'PSTN', callerName: '', direction: 'inbound',
      callStatus: 'IN-PROGRESS', customParameters: setup.customParameters,
    });
    return link;
  }

  send(message: Record<string, unknown>): void {
    if (!this.closed && this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** The next message from the application, or null after `timeoutMs` without one. */
  async next(timeoutMs: number): Promise<RelayOutbound | null> {
    if (this.inbox.length) return this.inbox.shift()!;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        resolve();
      }, timeoutMs);
      this.waiter = () => {
        clearTimeout(timer);
        this.waiter = null;
        resolve();
      };
    });
    return this.inbox.shift() ?? null;
  }

  /** Messages already received, without waiting. */
  drain(): RelayOutbound[] {
    return this.inbox.splice(0);
  }

  close(): void {
    if (!this.closed) this.socket?.close(1000);
    this.closed = true;
  }

  // Twilio validates what the application sends: an invalid message gets error 64107 and is dropped.
  private receive(raw: string | null): void {
    const at = performance.now();
    let m: Record<string, unknown>;
    try {
      m = raw === null ? {} : JSON.parse(raw);
    } catch {
      return this.push({ type: 'invalid', reason: 'not JSON', at });
    }
    if (m.type === 'text') {
      if (typeof m.token !== 'string') return this.push({ type: 'invalid', reason: 'text without a string token', at });
      return this.push({ type: 'text', token: m.token, last: m.last === true, at });
    }
    if (m.type === 'end') {
      if (m.handoffData !== undefined && typeof m.handoffData !== 'string') {
        return this.push({ type: 'invalid', reason: 'end.handoffData must be a string', at });
      }
      return this.push({ type: 'end', handoffData: (m.handoffData as string | undefined) ?? '', at });
    }
    if (typeof m.type === 'string' && ['play', 'sendDigits', 'language'].includes(m.type)) return this.push({ type: 'other', kind: m.type, at });
    return this.push({ type: 'invalid', reason: `unknown message type ${String(m.type)}`, at });
  }

  private push(message: RelayOutbound): void {
    this.inbox.push(message);
    this.waiter?.();
  }
}
