/**
 * The shell every Twilio webhook runs in: read the form, verify the signature against the public
 * URL, parse the voice parameters, run the handler, and turn any failure into valid TwiML.
 * Twilio never gets a 5xx: the caller would hear "an application error has occurred".
 */
import type { Runtime } from '../runtime/runtime.ts';
import { errorFields } from '../runtime/log.ts';
import { isValidSignature } from '../twilio/signature.ts';
import { BadTwilioRequest, readTwilioForm, voiceParams, type VoiceParams } from '../twilio/request.ts';
import { twimlResponse } from '../twilio/twiml.ts';
import { publicRequestUrl } from './urls.ts';
import { rateLimitRefusal } from '../ratelimit/limiter.ts';
import { redactCallerInput, type RedactionKind } from '../compliance/redact.ts';

export interface WebhookRequest {
  params: VoiceParams;
  /** The path below the function's name, e.g. '/dial' for twilio-status/dial. */
  subpath: string;
  query: URLSearchParams;
  receivedAt: number;
  /** Card, SSN or bank numbers removed from what the caller said or keyed (see compliance/redact). */
  redactions: RedactionKind[];
  /** Epoch ms by which the webhook answers, with the fallback if the handler has not. */
  deadlineAt: number;
  /**
   * Set by a handler while it waits on something slow that is not the database (a provider): the
   * answer to give at the deadline instead of the fallback (e.g. a holding line and a <Redirect>),
   * or null for the fallback after all.
   */
  lateAnswer?: () => string | null;
  /** Aborted when the shell answered for the handler (at the deadline): its answer will not be heard. */
  answered: AbortSignal;
}

/**
 * Wraps a handler that returns TwiML. `fallback` renders the graceful answer when the handler
 * throws (database down, provider down, a bug).
 */
export function twilioWebhook(
  rt: Runtime,
  name: string,
  handle: (w: WebhookRequest) => Promise<string>,
  fallback: (w: WebhookRequest) => string,
): (req: Request) => Promise<Response> {
  return async (req) => {
    const receivedAt = performance.now();
    let form;
    try {
      form = await readTwilioForm(req);
    } catch (err) {
      if (err instanceof BadTwilioRequest) return plain(err.reason === 'body too large' ? 413 : 400, err.reason);
      return plain(400, 'unreadable request');
    }
    const signature = req.headers.get('x-twilio-signature');
    const url = publicRequestUrl(rt.config.publicFunctionsUrl, req);
    if (!(await isValidSignature(rt.config.twilioAuthToken, signature, url, form.pairs))) {
      rt.log.warn('webhook signature rejected', { function: name, signed: signature !== null });
      return plain(403, 'invalid Twilio signature');
    }
    let params: VoiceParams;
    let redactions: RedactionKind[];
    try {
      // The boundary where caller words enter: nothing past it sees a card or bank number.
      ({ params, kinds: redactions } = redactCallerInput(voiceParams(form)));
    } catch (err) {
      return plain(400, err instanceof BadTwilioRequest ? err.reason : 'bad request');
    }
    const refusal = await rateLimitRefusal(rt, name, params, req);
    if (refusal) return twimlResponse(refusal);
    const u = new URL(req.url);
    const subpath = u.pathname.replace(new RegExp(`^/${name}`), '') || '/';
    // A hard deadline whatever hangs (a database mid-restart, a pool queue under load, a slow
    // provider): Twilio gives up at 15 s and the caller would hear an application error.
    const leftMs = Math.max(0, answerWithin(rt) - (performance.now() - receivedAt));
    const answeredLate = new AbortController();
    const w: WebhookRequest = { params, subpath, query: u.searchParams, receivedAt, redactions,
      deadlineAt: Date.now() + leftMs, answered: answeredLate.signal };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), leftMs);
    });
    const work = handle(w);
    try {
      const answer = await Promise.race([work, late]);
      if (answer === 'late') {
        work.catch(() => {}); // it goes on; what it may still store is the handler's to decide
        answeredLate.abort();
        const holding = w.lateAnswer?.() ?? null;
        if (holding) {
          rt.log.warn('webhook still waiting on a provider at its deadline; the caller is asked to hold',
            { function: name, call_sid: params.callSid, deadline_ms: rt.config.webhookDeadlineMs });
          return twimlResponse(holding);
        }
        rt.outage.down();
        rt.log.error('webhook past its deadline; answered with the fallback', { function: name, call_sid: params.callSid,
          deadline_ms: rt.config.webhookDeadlineMs });
        return twimlResponse(fallback(w));
      }
      void rt.outage.up();
      return twimlResponse(answer);
    } catch (err) {
      rt.outage.down();
      rt.log.error('webhook failed; answered with the fallback', { function: name, call_sid: params.callSid,
        ...errorFields(err) });
      return twimlResponse(fallback(w));
    } finally {
      clearTimeout(timer);
    }
  };
}

/** What is kept back from the deadline for the answer to leave on a loaded machine (timers run late). */
const SEND_MARGIN_MS = 500;
/** While the database is known to be away, a webhook waits this long for it before the fallback. */
const OUTAGE_WAIT_MS = 1500;

/** How long this request's handler may run before the shell answers for it. */
function answerWithin(rt: Runtime): number {
  const deadline = rt.config.webhookDeadlineMs;
  const budget = Math.max(deadline / 2, deadline - SEND_MARGIN_MS);
  // A caller should not wait the whole deadline for a database every webhook just found away.
  return rt.outage.isDown ? Math.min(budget, OUTAGE_WAIT_MS) : budget;
}

function plain(status: number, message: string): Response {
  return new Response(message, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
