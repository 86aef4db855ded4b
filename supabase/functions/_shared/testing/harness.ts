/**
 * In-process handler tests: a runtime on the test stack's database, and signed Twilio requests
 * built with `new Request`, exactly as Twilio would send them through the public URL.
 */
import postgres from 'postgres';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createRuntime, type Runtime } from '../runtime/runtime.ts';
import { memoryLogger } from '../runtime/log.ts';
import { scriptedBrain } from './scripted_brain.ts';
import { computeSignature } from '../twilio/signature.ts';

export const testDbUrl = Deno.env.get('TEST_DB_URL');
/** The explicit way to skip database-backed tests; without it a missing TEST_DB_URL fails. */
export const SKIP_FLAG = 'SKIP_STACK_TESTS';
const skipDb = !testDbUrl && Deno.env.get(SKIP_FLAG) === '1';
/** Tests that need the database run under `npm test`, which brings up the test stack. */
export const needsDb = { ignore: skipDb, sanitizeResources: false, sanitizeOps: false };

if (!testDbUrl && !skipDb) {
  // Once per process (modules load once): `deno test` alone must not go green on the pure tests.
  Deno.test('database-backed tests have their database', () => {
    throw new Error(`TEST_DB_URL is not set: run these tests through npm test (it brings up the test stack), ` +
      `or set ${SKIP_FLAG}=1 to skip the database-backed ones on purpose`);
  });
}

export const PUBLIC_BASE = 'https://voice.example.test/functions/v1';
export const AUTH_TOKEN = 'test-auth-token';
export const BUSINESS_NUMBER = '+15550100000';

export function testRuntime(overrides: Partial<Runtime> = {}, env: Record<string, string> = {}) {
  const log = memoryLogger();
  const rt = createRuntime({
    SUPABASE_DB_URL: testDbUrl ?? 'postgresql://postgres:postgres@127.0.0.1:1/none',
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_FUNCTIONS_URL: PUBLIC_BASE,
    DB_POOL_MAX: '4',
    ...env,
  }, { log, brain: () => scriptedBrain(() => ({ reply: 'OK.' })), ...overrides });
  return { rt, log };
}

export function newCallSid(): string {
  const hex = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `CA${hex}`;
}

/** A random E.164 number in the fictional 555-01XX..99 range, unique enough per test. */
export function newCaller(): string {
  return `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;
}

export function callParams(callSid: string, from: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AccountSid: 'AC00000000000000000000000000000000', CallSid: callSid, From: from, To: BUSINESS_NUMBER,
    Caller: from, Called: BUSINESS_NUMBER, CallStatus: 'in-progress', Direction: 'inbound', ApiVersion: '2010-04-01',
    ...extra,
  };
}

/** A POST signed for `${PUBLIC_BASE}/${pathAndQuery}`, delivered at the path Supabase gives the function. */
export async function signedRequest(pathAndQuery: string, params: Record<string, string>,
  opts: { token?: string; signature?: string | null } = {}): Promise<Request> {
  const body = new URLSearchParams(params).toString();
  const publicUrl = `${PUBLIC_BASE}/${pathAndQuery}`;
  const signature = opts.signature !== undefined ? opts.signature
    : await computeSignature(opts.token ?? AUTH_TOKEN, publicUrl, Object.entries(params));
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return new Request(`http://127.0.0.1/${pathAndQuery}`, { method: 'POST', headers, body });
}

/** A direct connection for assertions about what was stored. */
export function testSql() {
  return postgres(testDbUrl!, { max: 2, onnotice: () => {} });
}

/** A TwiML document read as XML: its top-level verbs in order, what is spoken, attributes. */
export interface ReadTwiml {
  verbs: string[];
  says: string[];
  attr(verb: string, name: string): string | undefined;
  text(verb: string): string | undefined;
}

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

export function readTwiml(xml: string): ReadTwiml {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`invalid TwiML: ${JSON.stringify(valid)}`);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', trimValues: false,
    parseTagValue: false, parseAttributeValue: false });
  const doc = parser.parse(xml) as Node[];
  const response = doc.find((n) => 'Response' in n);
  if (!response) throw new Error('TwiML root is not <Response>');
  const all: { name: string; attrs: Record<string, string>; text: string }[] = [];
  const walk = (nodes: Node[]) => {
    for (const node of nodes) {
      const name = Object.keys(node).find((k) => k !== ':@');
      if (!name || name === '#text') continue;
      const children = node[name] as Node[];
      const text = children.filter((c) => '#text' in c).map((c) => String(c['#text'])).join('');
      all.push({ name, attrs: node[':@'] ?? {}, text });
      walk(children);
    }
  };
  const top = response.Response as Node[];
  walk(top);
  return {
    verbs: top.map((n) => Object.keys(n).find((k) => k !== ':@')!).filter((k) => k !== '#text'),
    // What the caller hears: every <Say>, and the welcome greeting Twilio speaks for a <ConversationRelay>.
    says: all.filter((e) => e.name === 'Say' || (e.name === 'ConversationRelay' && e.attrs.welcomeGreeting))
      .map((e) => (e.name === 'Say' ? e.text : e.attrs.welcomeGreeting)),
    attr: (verb, name) => all.find((e) => e.name === verb)?.attrs[name],
    text: (verb) => all.find((e) => e.name === verb)?.text,
  };
}
