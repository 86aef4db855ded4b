/**
 * The greeting with what the caller must hear first: that they speak with an AI, and whether the
 * call is recorded (announced, or asked). The notices go before the greeting's closing question,
 * so it still ends by inviting the caller to speak; when consent is asked, the question is the
 * last thing said, because the caller's next words answer it.
 */
import type { AgentConfig } from '../brain/types.ts';
import { notice } from './notices.ts';

type Disclosing = Pick<AgentConfig, 'language' | 'ai_disclosure' | 'recording_mode'>;

/** Splits off a closing question ("... How can I help you today?"), if the greeting has one. */
function splitClosingQuestion(greeting: string): [string, string] {
  const m = /^(.*[.!?])\s+([^.!?]*\?)\s*$/s.exec(greeting.trim());
  return m ? [m[1], m[2]] : [greeting.trim(), ''];
}

export function withDisclosures(greeting: string, config: Disclosing, language = config.language): string {
  const mode = config.recording_mode ?? 'off';
  const notices = [
    config.ai_disclosure ? notice('aiDisclosure', language) : '',
    mode === 'announce' ? notice('recordingAnnounce', language) : '',
  ].filter(Boolean);
  const [body, question] = splitClosingQuestion(greeting);
  if (mode === 'ask') return [body, ...notices, notice('recordingQuestion', language)].join(' ');
  if (!notices.length) return greeting;
  return [body, ...notices, question].filter(Boolean).join(' ');
}
