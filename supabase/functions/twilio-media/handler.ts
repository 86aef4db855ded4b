/**
 * Realtime voice mode: the Media Streams WebSocket (a GET upgrade, bridged to the OpenAI Realtime
 * API), and `/after`, the signed webhook Twilio requests when the stream closes.
 */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { twilioWebhook } from '../_shared/calls/webhook.ts';
import { fallbackTwiml } from '../_shared/calls/fallback.ts';
import { acceptMediaStream } from '../_shared/calls/realtime/media_socket.ts';
import { afterStream } from '../_shared/calls/realtime/after.ts';

export const createHandler: HandlerFactory = (rt) => {
  const after = twilioWebhook(rt, 'twilio-media', (w) => afterStream(rt, w), (w) => fallbackTwiml(rt, w.params.to));
  return (req) => {
    if (req.headers.get('upgrade')?.toLowerCase() === 'websocket') return acceptMediaStream(rt, req);
    return after(req);
  };
};
