import { describe, expect, it } from 'vitest';
import { parseTwiml, TwimlError } from './twiml.ts';

const doc = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  ${inner}\n</Response>`;

describe('parseTwiml', () => {
  it('reads Say with its voice and entities, SSML text included', () => {
    expect(parseTwiml(doc('<Say voice="Polly.Joanna-Neural" language="en-US">Fish &amp; chips, <break time="1s"/>  <emphasis>now</emphasis>!</Say>'))).toEqual([
      { verb: 'Say', text: 'Fish & chips, now !', voice: 'Polly.Joanna-Neural', language: 'en-US', loop: 1 },
    ]);
  });

  it('reads Play, Pause, Hangup and Reject with their defaults', () => {
    expect(parseTwiml(doc('<Play loop="2">https://x/a.mp3</Play><Pause/><Pause length="3"/><Hangup/><Reject reason="busy"/><Reject/>'))).toEqual([
      { verb: 'Play', url: 'https://x/a.mp3', loop: 2 },
      { verb: 'Pause', length: 1 },
      { verb: 'Pause', length: 3 },
      { verb: 'Hangup' },
      { verb: 'Reject', reason: 'busy' },
      { verb: 'Reject', reason: 'rejected' },
    ]);
  });

  it('reads a Gather with nested prompts and every attribute', () => {
    const [gather] = parseTwiml(doc(`<Gather input="speech dtmf" action="/functions/v1/twilio-turn?n=2&amp;x=1" method="GET" timeout="6"
      finishOnKey="*" numDigits="1" actionOnEmptyResult="true"><Say>Hi</Say><Pause length="2"/><Play>u</Play></Gather>`));
    expect(gather).toEqual({
      verb: 'Gather', action: '/functions/v1/twilio-turn?n=2&x=1', method: 'GET', input: ['speech', 'dtmf'], timeout: 6,
      finishOnKey: '*', numDigits: 1, actionOnEmptyResult: true,
      prompts: [{ verb: 'Say', text: 'Hi', voice: undefined, language: undefined, loop: 1 }, { verb: 'Pause', length: 2 }, { verb: 'Play', url: 'u', loop: 1 }],
    });
  });

  it("gives a bare Gather Twilio's defaults", () => {
    expect(parseTwiml(doc('<Gather/>'))).toEqual([
      { verb: 'Gather', action: undefined, method: 'POST', input: ['dtmf'], timeout: 5, finishOnKey: '#', numDigits: undefined, actionOnEmptyResult: false, prompts: [] },
    ]);
  });

  it('reads Redirect, Dial (text or nested Number) and Record', () => {
    expect(parseTwiml(doc(`<Redirect method="POST">next?n=1</Redirect>
      <Dial action="/dial" timeout="20" callerId="+15550100000"><Number url="/whisper">+15550100001</Number></Dial>
      <Dial> +15550100002 </Dial>
      <Record action="rec" maxLength="120" finishOnKey="#"/>`))).toEqual([
      { verb: 'Redirect', url: 'next?n=1', method: 'POST' },
      { verb: 'Dial', action: '/dial', method: 'POST', numbers: ['+15550100001'], whisperUrls: ['/whisper'], timeout: 20, callerId: '+15550100000' },
      { verb: 'Dial', action: undefined, method: 'POST', numbers: ['+15550100002'], whisperUrls: [], timeout: 30, callerId: undefined },
      { verb: 'Record', action: 'rec', method: 'POST', maxLength: 120, timeout: 5, finishOnKey: '#' },
    ]);
  });

  it('tells a Media Stream from a ConversationRelay inside <Connect>', () => {
    const [stream] = parseTwiml(doc('<Connect><Stream url="wss://x/twilio-media"><Parameter name="resume" value="1"/></Stream></Connect>'));
    expect(stream).toEqual({ verb: 'Connect', stream: { url: 'wss://x/twilio-media', parameters: { resume: '1' } } });
    const [relay] = parseTwiml(doc('<Connect action="https://x/a"><ConversationRelay url="wss://x/twilio-relay"/></Connect>'));
    expect(relay).toMatchObject({ verb: 'ConnectRelay', url: 'wss://x/twilio-relay', action: 'https://x/a' });
  });

  it('accepts an empty Response and ignores comments', () => {
    expect(parseTwiml('<Response><!-- nothing --></Response>')).toEqual([]);
  });

  it.each([
    ['invalid XML', '<Response><Say>hi</Response>', /invalid XML/],
    ['not XML at all', 'Hello there', /invalid XML/],
    ['an empty body', '', /invalid XML/],
    ['a root other than Response', '<Reply><Say>hi</Say></Reply>', /single <Response>/],
    ['two roots', '<Response/><Response/>', /single <Response>/],
    ['an unknown verb', doc('<Speak>hi</Speak>'), /unknown verb <Speak>/],
    ['a lower-case verb', doc('<say>hi</say>'), /unknown verb <say>/],
    ["a Twilio noun the simulator does not run", doc('<Connect><VirtualAgent connectorName="x"/></Connect>'), /only <ConversationRelay>/],
    ['a verb nested in Gather that Twilio forbids', doc('<Gather><Dial>+15550100001</Dial></Gather>'), /<Dial> as nested in <Gather>/],
    ['text directly in Response', doc('hello'), /unexpected text "hello"/],
    ['a Redirect without URL', doc('<Redirect/>'), /without a URL/],
    ['a Dial without number', doc('<Dial action="/x"></Dial>'), /without a number/],
  ])('rejects %s', (_, xml, message) => {
    expect(() => parseTwiml(xml)).toThrow(TwimlError);
    expect(() => parseTwiml(xml)).toThrow(message);
  });
});
