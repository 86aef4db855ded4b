/**
 * The local engine: a deterministic brain that needs no key and no network. Intent cues, slot
 * filling across turns (kept in `state.local`), knowledge-base answers and chrono-node dates; every
 * action it takes goes through the same tool handlers the LLM providers use.
 */
import type { Brain, BrainServices, TurnContext, TurnResult } from '../types.ts';
import { advance, handOff } from './flows.ts';
import { bookOnLeaving, startCallback } from './callback.ts';
import { phrasesFor } from './phrases.ts';
import { parsePhone } from '../speech/phone.ts';
import { followLanguage } from '../speech/language.ts';
import { glossSpanish } from '../speech/spanish.ts';
import type { Lang } from '../hours.ts';
import { goodbye, speechTurn } from './policy.ts';
import { loadState, saveState } from './state.ts';
import { warmUp } from './warm.ts';
import { callTool, newWork, say, setPending, type Work } from './work.ts';

const phrase = (w: Work) => phrasesFor(w.st.lang);

/** The business's default language ('en-US' → 'en'). */
function configLanguage(language: string | undefined): Lang {
  return language?.toLowerCase().startsWith('es') ? 'es' : 'en';
}

const FAILED_DIAL = new Set(['busy', 'no-answer', 'failed', 'canceled']);

/** A transfer that nobody answered: apologise, then take the details for a callback. */
function missedTransfer(w: Work): boolean {
  const dial = w.ctx.dialResult;
  if (!dial || !FAILED_DIAL.has(dial.status) || w.st.transfer?.failed) return false;
  const member = w.ctx.team.find((m) => m.user_id === w.st.transfer?.user_id) ??
    w.ctx.team.find((m) => m.phone === dial.to);
  w.st.transfer = {
    user_id: member?.user_id ?? '',
    name: member?.name ?? '',
    topic: w.st.transfer?.topic,
    failed: true,
  };
  say(w, phrase(w).missedTransfer(member?.name ?? 'the team'));
  startCallback(w, 'missed_transfer', w.st.transfer.topic, member?.user_id);
  setPending(w, null);
  w.intent = 'missed_transfer';
  return true;
}

async function silenceTurn(w: Work): Promise<void> {
  w.st.silences++;
  if (w.st.silences > Math.max(0, w.ctx.config.max_silence_prompts ?? 2)) {
    w.intent = 'silence_hangup';
    say(w, phrase(w).silenceLost());
    await bookOnLeaving(w);
    say(w, phrase(w).silenceBye());
    await callTool(w, 'end_call', { reason: 'caller silent' });
    return;
  }
  w.intent = 'silence';
  say(w, phrase(w).stillThere(w.st.silences));
  const before = w.parts.length;
  const pending = w.st.pending;
  // Ask the open question again (or the usual prompt).
  if (w.st.flow && !w.st.flow.done && pending && pending !== 'confirm_phone') {
    setPending(w, null);
    await advance(w);
  }
  if (w.parts.length === before) {
    say(w, pending === 'anything_else' ? phrase(w).anythingElse() : phrase(w).howCanIHelp());
  }
  if (!w.st.pending) setPending(w, pending);
}

async function digitsTurn(w: Work, digits: string): Promise<void> {
  const d = digits.replace(/[^0-9*#]/g, '');
  if (d.startsWith('0')) return await handOff(w, null, 'caller pressed 0 for an operator');
  if ((w.st.pending === 'phone' || w.st.pending === 'confirm_phone') && parsePhone(d)) {
    return await speechTurn(w, d);
  }
  w.intent = 'digits';
  say(w, phrase(w).keypad());
}

/** Create the local brain. Libraries are loaded once, here, not per turn. */
export function createLocalBrain(): Brain & { readonly name: string } {
  warmUp();
  return {
    name: 'local',
    async turn(ctx: TurnContext, services: BrainServices): Promise<TurnResult> {
      const t0 = performance.now();
      const w = newWork(ctx, services, loadState(ctx.state ?? {}));
      const missed = missedTransfer(w);
      const input = ctx.input;
      if (input.kind !== 'silence') w.st.silences = 0;
      if (input.kind === 'speech' && input.text.trim()) {
        // Understood through an English gloss; answered in the caller's own language.
        w.st.lang = followLanguage(w.st.lang ?? configLanguage(ctx.config.language), input.text);
        const text = w.st.lang === 'es' ? glossSpanish(input.text) : input.text;
        await speechTurn(w, text, input.confidence);
      }
      else if (input.kind === 'digits') await digitsTurn(w, input.digits);
      else if (missed) await advance(w);
      else await silenceTurn(w);
      if (w.actions.hangup && w.intent !== 'goodbye' && !w.parts.length) await goodbye(w);
      // "p. m." ends a sentence by itself.
      const reply = w.parts.join(' ').replace(/\s+/g, ' ').replace(/\b([ap]\. m\.)\./g, '$1').trim() ||
        phrase(w).repair();
      return {
        reply,
        actions: w.actions,
        state: saveState(ctx.state ?? {}, w.st),
        meta: {
          provider: 'local',
          latency_ms: Math.round(performance.now() - t0),
          tokens_in: 0,
          tokens_out: 0,
          cost_usd: 0,
          tools: w.tools,
          intent: w.intent,
          language: w.st.lang ?? configLanguage(ctx.config.language),
        },
      };
    },
  };
}
