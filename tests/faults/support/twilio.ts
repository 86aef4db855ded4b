/**
 * Twilio's side of the fault tests: the test stack's addresses (set by `npm test`), signed webhook
 * posts, and the check that an answer is TwiML the caller can hear.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { sign } from '../../../tools/sim/twilio-signature.ts';
import { parseTwiml, type Verb } from '../../../tools/sim/twiml.ts';
import { skipWithout } from '../../support/stack-env.ts';

export const env = {
  dbUrl: process.env.TEST_DB_URL ?? '',
  functionsUrl: (process.env.TEST_FUNCTIONS_URL ?? '').replace(/\/+$/, ''),
  authToken: process.env.TEST_TWILIO_AUTH_TOKEN ?? '',
  accountSid: process.env.TEST_TWILIO_ACCOUNT_SID ?? '',
  number: process.env.TEST_TWILIO_NUMBER ?? '',
};

/** The fault tests run against the test stack that `npm test` brings up; elsewhere they fail (see skipWithout). */
export const noStack = skipWithout({ TEST_DB_URL: env.dbUrl, TEST_FUNCTIONS_URL: env.functionsUrl,
  TEST_TWILIO_AUTH_TOKEN: env.authToken });

export function newCallSid(): string {
  return `CA${randomBytes(16).toString('hex')}`;
}

/** A caller number under a test file's own prefix (e.g. '+1555077'), so its rows can be removed. */
export function callerUnder(prefix: string): string {
  return `${prefix}${String(randomInt(10 ** (12 - prefix.length))).padStart(12 - prefix.length, '0')}`;
}

export function callParams(callSid: string, from: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: env.accountSid, CallSid: callSid, From: from, To: env.number, Caller: from, Called: env.number,
    CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01', ...extra,
  };
}

export interface Answer {
  status: number;
  contentType: string;
  body: string;
  ms: number;
}

export interface PostOptions {
  /** Base URL of the functions (default: the test stack's). */
  base?: string;
  /** Sign with this token instead of the stack's. */
  token?: string;
  /** A signature to send as is (null: none). */
  signature?: string | null;
  headers?: Record<string, string>;
  /** A raw body instead of the form-encoded params (still signed over `params`). */
  body?: string;
  timeoutMs?: number;
}

/** POSTs a form to `<base>/<pathAndQuery>`, signed for that URL the way Twilio signs. */
export async function post(pathAndQuery: string, params: Record<string, string> | [string, string][],
  o: PostOptions = {}): Promise<Answer> {
  const url = `${o.base ?? env.functionsUrl}/${pathAndQuery}`;
  const pairs = Array.isArray(params) ? params : Object.entries(params);
  const signature = o.signature !== undefined ? o.signature : sign(url, pairs, o.token ?? env.authToken);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', ...o.headers };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  const started = performance.now();
  const res = await fetch(url, { method: 'POST', headers, body: o.body ?? new URLSearchParams(pairs).toString(),
    signal: AbortSignal.timeout(o.timeoutMs ?? 15_000) });
  const body = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, ms: performance.now() - started };
}

/** The verbs of a 200 TwiML answer; throws when Twilio would fail the call. */
export function twimlOf(answer: Answer): Verb[] {
  if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${answer.body.slice(0, 200)}`);
  if (!/xml/i.test(answer.contentType)) throw new Error(`content-type ${answer.contentType} is not XML`);
  return parseTwiml(answer.body);
}

/** Every <Say> text of a document, nested ones included. */
export function saysOf(verbs: Verb[]): string[] {
  return verbs.flatMap((v) => v.verb === 'Say' ? [v.text] : v.verb === 'Gather'
    ? v.prompts.flatMap((p) => (p.verb === 'Say' ? [p.text] : [])) : []);
}

/** The Gather's action (the next turn's URL path and query, relative to the functions base). */
export function nextTurnOf(verbs: Verb[], base = env.functionsUrl): string | null {
  const gather = verbs.find((v) => v.verb === 'Gather');
  if (!gather || gather.verb !== 'Gather' || !gather.action) return null;
  return gather.action.startsWith(base) ? gather.action.slice(base.length + 1) : gather.action;
}
