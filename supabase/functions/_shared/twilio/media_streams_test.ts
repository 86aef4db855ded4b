import { assertEquals } from '../testing/assert.ts';
import { parseStreamMessage, toTwilio } from './media_streams.ts';

const SID = `MZ${'a'.repeat(32)}`;
const CALL = `CA${'b'.repeat(32)}`;

Deno.test("Twilio's Media Streams messages are read into typed events", () => {
  assertEquals(parseStreamMessage(JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' })),
    { event: 'connected' });
  assertEquals(parseStreamMessage(JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid: SID, start: {
    accountSid: `AC${'c'.repeat(32)}`, streamSid: SID, callSid: CALL, tracks: ['inbound'],
    customParameters: { resume: '0', n: 3 }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
  } })), { event: 'start', streamSid: SID, callSid: CALL, accountSid: `AC${'c'.repeat(32)}`,
    customParameters: { resume: '0' }, encoding: 'audio/x-mulaw', sampleRate: 8000 });
  assertEquals(parseStreamMessage(JSON.stringify({ event: 'media', streamSid: SID,
    media: { track: 'inbound', chunk: '2', timestamp: '40', payload: '/////w==' } })),
  { event: 'media', streamSid: SID, track: 'inbound', payload: '/////w==', timestamp: 40 });
  assertEquals(parseStreamMessage(JSON.stringify({ event: 'mark', streamSid: SID, mark: { name: 'item_1:200' } })),
    { event: 'mark', streamSid: SID, name: 'item_1:200' });
  assertEquals(parseStreamMessage(JSON.stringify({ event: 'dtmf', streamSid: SID, dtmf: { track: 'inbound_track', digit: '0' } })),
    { event: 'dtmf', streamSid: SID, digit: '0' });
  assertEquals(parseStreamMessage(JSON.stringify({ event: 'stop', streamSid: SID, stop: { callSid: CALL } })),
    { event: 'stop', streamSid: SID, callSid: CALL });
});

Deno.test('malformed and unknown messages become a typed ignored, never an exception', () => {
  for (const raw of ['not json', '[]', '{"event":"nope"}', JSON.stringify({ event: 'start', start: { callSid: 'x' } }),
    JSON.stringify({ event: 'media', media: {} }), JSON.stringify({ event: 'dtmf', dtmf: { digit: 'x' } }),
    JSON.stringify({ event: 'mark', mark: {} })]) {
    assertEquals(parseStreamMessage(raw).event, 'ignored', raw);
  }
  assertEquals(parseStreamMessage(new Uint8Array([1])).event, 'ignored');
});

Deno.test('messages to Twilio: media, mark and clear carry the stream sid', () => {
  assertEquals(JSON.parse(toTwilio.media(SID, 'AAA=')), { event: 'media', streamSid: SID, media: { payload: 'AAA=' } });
  assertEquals(JSON.parse(toTwilio.mark(SID, 'm')), { event: 'mark', streamSid: SID, mark: { name: 'm' } });
  assertEquals(JSON.parse(toTwilio.clear(SID)), { event: 'clear', streamSid: SID });
});
