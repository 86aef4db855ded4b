/**
 * ConversationRelay: the WebSocket Twilio connects for a relay call (GET upgrade), and the
 * `<Connect action>` Twilio requests when the session ends (POST /twilio-relay/action).
 */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { twilioWebhook } from '../_shared/calls/webhook.ts';
import { fallbackTwiml } from '../_shared/calls/fallback.ts';
import { relayAction } from '../_shared/calls/relay/action.ts';
import { acceptRelaySocket, isWebSocketUpgrade } from '../_shared/calls/relay/socket.ts';

export const createHandler: HandlerFactory = (rt) => {
  const action = twilioWebhook(rt, 'twilio-relay', (w) => relayAction(rt, w), (w) => fallbackTwiml(rt, w.params.to));
  return (req) => (isWebSocketUpgrade(req) ? acceptRelaySocket(rt, req) : action(req));
};
