/**
 * The connection to the Realtime API, through the `openai` package's WebSocket client. The key
 * and base URL come from the environment: OPENAI_REALTIME_API_KEY (else OPENAI_API_KEY) and
 * OPENAI_REALTIME_BASE_URL (else OpenAI's). The client speaks wss only.
 */
import OpenAI from 'openai';
import { OpenAIRealtimeWebSocket } from 'openai/realtime/websocket';

export type ServerEvent = Record<string, unknown> & { type: string };

/** One open Realtime session, reduced to what the bridge uses. */
export interface RealtimeLink {
  send(event: Record<string, unknown>): void;
  onEvent(fn: (event: ServerEvent) => void): void;
  /** Called once when the socket closes, whoever closed it. */
  onClose(fn: (code: number) => void): void;
  close(): void;
}

/** Why the call cannot use the Realtime API; said in the logs and on the call's record. */
export class RealtimeUnavailable extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'RealtimeUnavailable';
  }
}

export const REALTIME_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export function realtimeKey(env: Record<string, string | undefined>): string | null {
  const key = (env.OPENAI_REALTIME_API_KEY ?? env.OPENAI_API_KEY ?? '').trim();
  return key || null;
}

/** Opens a session for `model`; rejects with RealtimeUnavailable when it cannot within `timeoutMs`. */
export function openRealtime(env: Record<string, string | undefined>, model: string, timeoutMs = 4000):
  Promise<RealtimeLink> {
  const apiKey = realtimeKey(env);
  if (!apiKey) return Promise.reject(new RealtimeUnavailable('no OpenAI key'));
  const baseURL = (env.OPENAI_REALTIME_BASE_URL ?? REALTIME_DEFAULT_BASE_URL).replace(/\/+$/, '');
  let ws: OpenAIRealtimeWebSocket;
  try {
    ws = new OpenAIRealtimeWebSocket({ model }, new OpenAI({ apiKey, baseURL, maxRetries: 0 }));
  } catch (err) {
    return Promise.reject(new RealtimeUnavailable(`realtime client refused: ${(err as Error).message.slice(0, 120)}`));
  }
  const closeFns: ((code: number) => void)[] = [];
  let closed = false;
  ws.socket.addEventListener('close', (e) => {
    if (closed) return;
    closed = true;
    for (const fn of closeFns) fn((e as CloseEvent).code);
  });
  const link: RealtimeLink = {
    send: (event) => {
      if (!closed && ws.socket.readyState === WebSocket.OPEN) ws.send(event as never);
    },
    onEvent: (fn) => ws.on('event', fn as never),
    onClose: (fn) => {
      closeFns.push(fn);
    },
    close: () => {
      if (ws.socket.readyState === WebSocket.OPEN || ws.socket.readyState === WebSocket.CONNECTING) ws.socket.close();
    },
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      link.close();
      reject(new RealtimeUnavailable('realtime API unreachable (timeout)'));
    }, timeoutMs);
    // API errors are events the bridge reads; transport errors end in `close`.
    ws.on('error', () => {});
    ws.socket.addEventListener('open', () => {
      clearTimeout(timer);
      resolve(link);
    });
    ws.socket.addEventListener('close', () => {
      clearTimeout(timer);
      reject(new RealtimeUnavailable('realtime API unreachable'));
    });
  });
}
