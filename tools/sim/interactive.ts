import { createInterface } from 'node:readline';
import { CallSession, type DialResult } from './call.ts';
import type { CallerInput } from './caller-input.ts';
import { formatTurnLines } from './report.ts';
import { webhookUrls, type SimMode, type SimTarget } from './scenario.ts';

/** What a typed line asks for. */
export type TypedCommand = { input: CallerInput } | { hangup: true } | { quit: true } | { help: string };

const HELP = 'type what the caller says; /digits 0 presses keys, /silence lets the gather time out, /hangup hangs up, /quit leaves';

/** Reads one typed line of the interactive caller. */
export function parseTypedLine(line: string): TypedCommand {
  const text = line.trim();
  if (text === '/quit') return { quit: true };
  if (text === '/hangup') return { hangup: true };
  if (text === '/silence') return { input: { kind: 'silence' } };
  const digits = /^\/digits\s+([0-9*#]+)$/.exec(text);
  if (digits) return { input: { kind: 'digits', digits: digits[1]! } };
  if (text === '' || text.startsWith('/')) return { help: HELP };
  return { input: { kind: 'speech', text } };
}

/**
 * A call where a person plays the caller at the terminal. Touches no database: the caller's
 * history stays, as for a real returning caller.
 */
export async function runInteractive(target: SimTarget, options: { from: string; dialResult?: DialResult; mode?: SimMode }): Promise<void> {
  // In realtime mode each typed line is spoken (espeak-ng) and streamed as the caller's audio.
  const session = new CallSession({
    ...webhookUrls(target.functionsUrl), realtime: target.realtime, authToken: target.authToken, accountSid: target.accountSid,
    from: options.from, to: target.toNumber, dialResult: options.dialResult, mode: !options.mode || options.mode === 'config' ? undefined : options.mode,
  });
  let unpromptedShown = 0;
  const out = (text: string) => process.stdout.write(`${text}\n`);
  out(`calling ${target.toNumber} from ${options.from}  [${session.callSid}]`);
  out(`(${HELP})`);
  const showEnd = () => {
    out(`call ended: ${session.ended}${session.dialed ? `, dialled ${session.dialed}` : ''}`);
    if (session.error) out(`application error: ${session.error}`);
    const sc = session.statusCallback;
    if (sc) out('error' in sc ? `status callback: ${sc.error}` : `status callback: HTTP ${sc.status} (${sc.latency_ms.toFixed(0)} ms)`);
  };
  formatTurnLines(await session.start()).forEach((line) => out(line));
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: 'caller> ' });
  if (session.ended) return void (rl.close(), showEnd());
  let warningsShown = 0;
  rl.prompt();
  for await (const line of rl) {
    const command = parseTypedLine(line);
    if ('help' in command) out(command.help);
    else if ('quit' in command || 'hangup' in command) break;
    else {
      const turn = await session.send(command.input);
      // Relay: what the agent said on its own while you were typing (it prompts after a silence).
      for (const said of session.unprompted.slice(unpromptedShown)) out(`  (while you were quiet) agent: ${said}`);
      unpromptedShown = session.unprompted.length;
      formatTurnLines({ ...turn, caller: null }).forEach((text) => out(text));
      for (const warning of session.warnings.slice(warningsShown)) out(`  ! ${warning}`);
      warningsShown = session.warnings.length;
      if (session.ended) break;
      if (session.listening?.kind === 'record') out('  (recording: say your message)');
    }
    rl.prompt();
  }
  rl.close();
  await session.hangup();
  showEnd();
}
