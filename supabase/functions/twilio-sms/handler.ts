/**
 * The number's Messaging webhook (Twilio's "A message comes in", POST): a caller's reply to the
 * satisfaction text. A signed reply that rates an open survey (one digit 1-5) is stored on the
 * survey and the call, and thanked; anything else is ignored and stored nowhere. Unsigned or
 * badly signed requests get 403.
 */
import type { HandlerFactory } from '../_shared/runtime/runtime.ts';
import { errorFields } from '../_shared/runtime/log.ts';
import { isValidSignature } from '../_shared/twilio/signature.ts';
import { BadTwilioRequest, readTwilioForm } from '../_shared/twilio/request.ts';
import { escapeXml, twimlResponse } from '../_shared/twilio/twiml.ts';
import { publicRequestUrl } from '../_shared/calls/urls.ts';

const E164 = /^\+[1-9][0-9]{6,14}$/;
export const THANKS = 'Thank you for rating your call. It helps the team.';

const empty = () => twimlResponse('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');

export const createHandler: HandlerFactory = (rt) => async (req) => {
  if (req.method !== 'POST') return new Response('method not allowed', { status: 405 });
  let form;
  try {
    form = await readTwilioForm(req);
  } catch (err) {
    return new Response(err instanceof BadTwilioRequest ? err.reason : 'unreadable request', { status: 400 });
  }
  const url = publicRequestUrl(rt.config.publicFunctionsUrl, req);
  if (!(await isValidSignature(rt.config.twilioAuthToken, req.headers.get('x-twilio-signature'), url, form.pairs))) {
    rt.log.warn('webhook signature rejected', { function: 'twilio-sms' });
    return new Response('invalid Twilio signature', { status: 403 });
  }
  const from = form.get('From') ?? '';
  const body = (form.get('Body') ?? '').trim();
  if (!E164.test(from) || !form.get('MessageSid') || !body) return empty();
  try {
    const [{ rated }] = await rt.sql`select public.record_satisfaction_reply(${from}, ${body}) as rated`;
    if (!rated) return empty();
    rt.log.info('satisfaction rating stored', { conversation_id: rated });
    return twimlResponse(`<?xml version="1.0" encoding="UTF-8"?><Response><Message>${escapeXml(THANKS)}</Message></Response>`);
  } catch (err) {
    rt.log.error('satisfaction reply not stored', errorFields(err));
    return empty();
  }
};
