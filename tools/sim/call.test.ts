import { afterEach, describe, expect, it } from 'vitest';
import { CallSession, resolveUrl, type CallOptions } from './call.ts';
import { startFakeVoiceApp, type ReceivedRequest, type Route } from './fake-voice-app.ts';

const TOKEN = 'local-test-token';
const ACCOUNT = `AC${'a1'.repeat(16)}`;
const VOICE = '/functions/v1/twilio-voice';
const STATUS = '/functions/v1/twilio-status';
const xml = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;
const listen = (prompt: string, action = '/functions/v1/twilio-turn?n=1', attrs = 'input="speech dtmf"') => `<Gather ${attrs} action="${action.replace(/&/g, '&amp;')}"><Say>${prompt}</Say></Gather>`;

let app: Awaited<ReturnType<typeof startFakeVoiceApp>> | undefined;
afterEach(async () => { await app?.close(); app = undefined; });

async function callWith(routes: Record<string, Route>, options: Partial<CallOptions> = {}) {
  app = await startFakeVoiceApp(TOKEN, { [STATUS]: () => ({ status: 204, body: '' }), ...routes });
  const session = new CallSession({
    voiceUrl: `${app.baseUrl}${VOICE}`, statusCallbackUrl: `${app.baseUrl}${STATUS}`, authToken: TOKEN, accountSid: ACCOUNT,
    from: '+15555550123', to: '+15550100000', ...options,
  });
  return { session, received: app.received };
}
const to = (received: ReceivedRequest[], path: string) => received.filter((r) => r.path === path);

describe('CallSession', () => {
  it('sends signed requests with every Twilio parameter and hands speech to the gather action', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml(`<Say>Hello, thanks for calling.</Say>${listen('How can I help?')}`),
      '/functions/v1/twilio-turn': (r) => xml(`<Say>You said ${r.params.SpeechResult}.</Say><Hangup/>`),
    });
    expect(await session.start()).toMatchObject({ caller: null, agent: 'Hello, thanks for calling. How can I help?' });
    expect(await session.send({ kind: 'speech', text: 'What are your hours?' })).toMatchObject({ caller: 'What are your hours?', agent: 'You said What are your hours?.' });
    expect(session.ended).toBe('agent_hangup');
    expect(session.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(received.every((r) => r.signatureValid && r.method === 'POST')).toBe(true);
    const common = { AccountSid: ACCOUNT, CallSid: session.callSid, From: '+15555550123', To: '+15550100000', Caller: '+15555550123', Called: '+15550100000', Direction: 'inbound', ApiVersion: '2010-04-01' };
    expect(received[0]!.params).toEqual({ ...common, CallStatus: 'ringing' });
    expect(received[1]).toMatchObject({ path: '/functions/v1/twilio-turn', params: { ...common, CallStatus: 'in-progress', SpeechResult: 'What are your hours?', Confidence: '0.92' } });
    expect(received[1]!.query.get('n')).toBe('1');
    expect(to(received, STATUS)[0]!.params).toMatchObject({ ...common, CallStatus: 'completed', CallDuration: expect.stringMatching(/^\d+$/) });
    expect(session.statusCallback).toMatchObject({ status: 204 });
    expect(session.turns.map((t) => t.latency_ms).every((ms) => ms > 0)).toBe(true);
  });

  it('sends Digits without the finishOnKey key', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml(listen('Press keys.', '/t', 'input="dtmf" finishOnKey="#"')),
      '/t': () => xml('<Hangup/>'),
    });
    await session.start();
    await session.send({ kind: 'digits', digits: '12#3' });
    expect(to(received, '/t')[0]!.params.Digits).toBe('12');
  });

  it('goes on with the verbs after the Gather when it times out, without requesting the action', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml(`${listen('Anything else?', '/t')}<Say>Are you still there?</Say>${listen('Say something.', '/t')}`),
      '/t': () => xml('<Hangup/>'),
    });
    await session.start();
    expect((await session.send({ kind: 'silence' })).agent).toBe('Are you still there? Say something.');
    expect(to(received, '/t')).toHaveLength(0);
    expect(session.ended).toBeNull();
    expect((await session.send({ kind: 'silence' })).agent).toBe('');
    expect(session.ended).toBe('agent_hangup');
  });

  it('does not hear speech in a keys-only Gather', async () => {
    const { session, received } = await callWith({ [VOICE]: () => xml(listen('Press 1.', '/t', 'input="dtmf"')), '/t': () => xml('') });
    await session.start();
    await session.send({ kind: 'speech', text: 'one' });
    expect(to(received, '/t')).toHaveLength(0);
    expect(session.warnings).toEqual(['speech ignored: the <Gather> only takes keys']);
    expect(session.ended).toBe('agent_hangup');
  });

  it('requests the action without input when actionOnEmptyResult is set', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml(listen('Hello?', '/t', 'input="speech" actionOnEmptyResult="true"')),
      '/t': () => xml('<Say>I did not hear you.</Say><Hangup/>'),
    });
    await session.start();
    expect((await session.send({ kind: 'silence' })).agent).toBe('I did not hear you.');
    const params = to(received, '/t')[0]!.params;
    expect(params.SpeechResult).toBeUndefined();
    expect(params.Digits).toBeUndefined();
  });

  it('follows a Redirect with a relative URL and never runs the verbs after it', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml('<Say>One moment.</Say><Redirect>twilio-turn?n=0&amp;x=%20y</Redirect><Say>never</Say>'),
      '/functions/v1/twilio-turn': () => xml(listen('Go on.', '../v1/other')),
      '/functions/v1/other': () => xml('<Hangup/>'),
    });
    expect((await session.start()).agent).toBe('One moment. Go on.');
    expect(received[1]).toMatchObject({ path: '/functions/v1/twilio-turn', signatureValid: true });
    expect(received[1]!.query.get('x')).toBe(' y');
    await session.send({ kind: 'speech', text: 'ok' });
    expect(received[2]).toMatchObject({ path: '/functions/v1/other', signatureValid: true });
  });

  it('puts GET parameters in the signed query string', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml(listen('Hi.', '/t?n=1', 'input="speech" method="GET"')),
      '/t': () => xml('<Hangup/>'),
    });
    await session.start();
    await session.send({ kind: 'speech', text: 'hello there' });
    const get = to(received, '/t')[0]!;
    expect(get).toMatchObject({ method: 'GET', signatureValid: true });
    expect(get.query.get('SpeechResult')).toBe('hello there');
    expect(get.query.get('n')).toBe('1');
  });

  it('reports a busy Dial to its action and plays on', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml(listen('Hi.', '/t')),
      '/t': () => xml('<Say>Connecting you.</Say><Dial action="/dial?n=1" timeout="20"><Number>+15550100001</Number></Dial><Say>never</Say>'),
      '/dial': (r) => xml(`<Say>The line was ${r.params.DialCallStatus}.</Say>${listen('Can I take a message?', '/t2')}`),
      '/t2': () => xml('<Hangup/>'),
    }, { dialResult: 'busy' });
    await session.start();
    expect((await session.send({ kind: 'speech', text: 'a person please' })).agent).toBe('Connecting you. The line was busy. Can I take a message?');
    expect(to(received, '/dial')[0]!.params).toMatchObject({ DialCallStatus: 'busy', DialCallDuration: '0', DialCallSid: expect.stringMatching(/^CA[0-9a-f]{32}$/) });
    expect(session.dialed).toBe('+15550100001');
    expect(session.ended).toBeNull();
    await session.send({ kind: 'speech', text: 'yes' });
    expect(session.ended).toBe('agent_hangup');
  });

  it('ends in a transfer when the dialled person answers, posting the action but playing no more turns', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml(listen('Hi.', '/t')),
      '/t': () => xml('<Say>Connecting you.</Say><Dial action="/dial">+15550100003</Dial>'),
      '/dial': () => xml(listen('Anything else?', '/t2')),
    });
    await session.start();
    expect((await session.send({ kind: 'speech', text: 'a person' })).agent).toBe('Connecting you. Anything else?');
    expect(to(received, '/dial')[0]!.params).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '30' });
    expect(session).toMatchObject({ ended: 'transfer', dialed: '+15550100003' });
    expect(to(received, STATUS)).toHaveLength(1);
    await expect(session.send({ kind: 'speech', text: 'hello?' })).rejects.toThrow('the call has ended');
  });

  it('ends in a transfer at the end of a document after a Dial without action', async () => {
    const { session } = await callWith({ [VOICE]: () => xml('<Dial>+15550100001</Dial>') });
    await session.start();
    expect(session.ended).toBe('transfer');
  });

  it('posts a recorded message to the Record action, and skips the action for an empty recording', async () => {
    const { session, received } = await callWith({
      [VOICE]: () => xml('<Say>Leave a message.</Say><Record action="/rec" maxLength="60" finishOnKey="#"/><Say>No message.</Say><Record action="/rec"/>'),
      '/rec': () => xml('<Say>Thanks, goodbye.</Say><Hangup/>'),
    });
    await session.start();
    expect(session.listening).toEqual({ kind: 'record' });
    expect((await session.send({ kind: 'silence' })).agent).toBe('No message.');
    expect(to(received, '/rec')).toHaveLength(0);
    expect((await session.send({ kind: 'speech', text: 'Please call me back about my invoice' })).agent).toBe('Thanks, goodbye.');
    expect(to(received, '/rec')[0]!.params).toMatchObject({
      RecordingUrl: expect.stringMatching(new RegExp(`^https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT}/Recordings/RE[0-9a-f]{32}$`)),
      RecordingDuration: '3', RecordingSid: expect.stringMatching(/^RE[0-9a-f]{32}$/), Digits: '#',
    });
    expect(session.ended).toBe('agent_hangup');
  });

  it('ends on Hangup without running later verbs', async () => {
    const { session } = await callWith({ [VOICE]: () => xml('<Say>Bye.</Say><Hangup/><Say>never</Say>') });
    expect((await session.start()).agent).toBe('Bye.');
    expect(session.ended).toBe('agent_hangup');
  });

  it('hangs up as the caller and sends the status callback once', async () => {
    const { session, received } = await callWith({ [VOICE]: () => xml(listen('Hi.')) });
    await session.start();
    await session.hangup();
    await session.hangup();
    expect(session.ended).toBe('caller_hangup');
    expect(to(received, STATUS)).toHaveLength(1);
  });

  it('does not answer a call rejected by the first verb', async () => {
    const { session, received } = await callWith({ [VOICE]: () => xml('<Reject reason="busy"/>') });
    await session.start();
    expect(session.ended).toBe('rejected');
    expect(to(received, STATUS)[0]!.params).toMatchObject({ CallStatus: 'busy', CallDuration: '0' });
  });

  it.each([
    ['a 500', { status: 500, contentType: 'text/plain', body: 'boom' }, /HTTP 500 from POST \/functions\/v1\/twilio-voice/],
    ['invalid XML', { body: '<Response><Say>hi</Response>' }, /invalid TwiML .*invalid XML/],
    ['an unknown verb', { body: xml('<Speak>hi</Speak>') }, /unknown verb <Speak>/],
    ['a body that is not XML', { contentType: 'text/plain', body: xml('<Say>hi</Say>') }, /content-type "text\/plain" .* is not XML/],
  ])('fails the call on %s and still sends the status callback', async (_, answer, message) => {
    const { session, received } = await callWith({ [VOICE]: () => answer });
    await session.start();
    expect(session.ended).toBe('error');
    expect(session.error).toMatch(message);
    expect(to(received, STATUS)[0]!.params).toMatchObject({ CallStatus: 'completed' });
  });

  it('fails the call when an answer takes longer than the deadline, and measures latency', async () => {
    const { session } = await callWith({
      [VOICE]: () => ({ body: xml(listen('Hi.', '/slow')), delayMs: 60 }),
      '/slow': () => ({ body: xml('<Hangup/>'), delayMs: 1000 }),
    }, { timeoutMs: 300 });
    expect((await session.start()).latency_ms).toBeGreaterThanOrEqual(55);
    await session.send({ kind: 'speech', text: 'hello' });
    expect(session.ended).toBe('error');
    expect(session.error).toMatch(/no answer within 300 ms/);
  });

  it('fails the call on a redirect loop', async () => {
    const { session } = await callWith({ [VOICE]: () => xml(`<Redirect>${VOICE}</Redirect>`) });
    await session.start();
    expect(session.error).toMatch(/redirect loop/);
  });
});

describe('resolveUrl', () => {
  it('resolves against the document URL and drops fragments', () => {
    expect(resolveUrl('twilio-turn?n=2#rt=5', 'http://127.0.0.1:54321/functions/v1/twilio-voice')).toBe('http://127.0.0.1:54321/functions/v1/twilio-turn?n=2');
    expect(resolveUrl('/x', 'http://h/a/b?q=1')).toBe('http://h/x');
    expect(resolveUrl('https://other/y', 'http://h/a')).toBe('https://other/y');
  });
});
