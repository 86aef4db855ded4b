import { performance } from 'node:perf_hooks';
import { sign, type SignedParams, paramPairs } from './twilio-signature.ts';

/** Twilio gives a webhook 15 s in total to answer. */
export const TWILIO_ANSWER_TIMEOUT_MS = 15_000;

/** One webhook request as Twilio makes it. */
export type WebhookRequest = {
  url: string;
  method: 'GET' | 'POST';
  params: SignedParams;
  authToken: string;
  timeoutMs?: number;
};

/** What came back, with the time from sending to the last byte of the body. */
export type WebhookAnswer = { url: string; method: 'GET' | 'POST'; status: number; contentType: string; body: string; latency_ms: number };

/** The request got no answer at all (refused, reset, or past the deadline). */
export class WebhookUnreachable extends Error {
  override name = 'WebhookUnreachable';
}

/**
 * Sends a signed, form-encoded webhook like Twilio: POST parameters go in the body; GET
 * parameters go in the query string and are then part of the signed URL (with no body params).
 */
export async function sendWebhook(request: WebhookRequest): Promise<WebhookAnswer> {
  const pairs = paramPairs(request.params);
  const form = new URLSearchParams(pairs).toString();
  const url = request.method === 'GET' && form ? `${request.url}${request.url.includes('?') ? '&' : '?'}${form}` : request.url;
  const signature = request.method === 'GET' ? sign(url, [], request.authToken) : sign(url, pairs, request.authToken);
  const timeoutMs = request.timeoutMs ?? TWILIO_ANSWER_TIMEOUT_MS;
  const started = performance.now();
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: {
        'X-Twilio-Signature': signature,
        'User-Agent': 'TwilioProxy/1.1',
        Accept: '*/*',
        ...(request.method === 'POST' ? { 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
      },
      body: request.method === 'POST' ? form : undefined,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    const latency_ms = round(performance.now() - started);
    return { url, method: request.method, status: response.status, contentType: response.headers.get('content-type') ?? '', body, latency_ms };
  } catch (error) {
    const elapsed = round(performance.now() - started);
    const reason = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      ? `no answer within ${timeoutMs} ms`
      : `no answer (${errorText(error)})`;
    throw new WebhookUnreachable(`${request.method} ${stripQuery(url)}: ${reason} after ${elapsed} ms`);
  }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
function stripQuery(url: string): string {
  return url.split('?')[0]!;
}
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
