/**
 * Upstash accepts a Lua shebang flag that open-source Redis 7.0 refuses (`allow-key-locking`,
 * which @upstash/ratelimit's scripts declare). The flag is dropped before a script reaches
 * redis-server, and the client keeps using the SHA1 of the script it sent: EVALSHA and SCRIPT
 * EXISTS are translated to the SHA1 of the script Redis actually holds.
 */
import { createHash } from 'node:crypto';

const UPSTASH_ONLY_FLAGS = new Set(['allow-key-locking']);

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** The script with flags Redis does not know removed from its `#!lua flags=...` line. */
export function compatibleScript(script: string): string {
  const m = /^#!lua(?:[ \t]+flags=([^\r\n]*))?(\r?\n)/.exec(script);
  if (!m || m[1] === undefined) return script;
  const kept = m[1].split(',').map((f) => f.trim()).filter((f) => f && !UPSTASH_ONLY_FLAGS.has(f));
  return `#!lua${kept.length ? ` flags=${kept.join(',')}` : ''}${m[2]}${script.slice(m[0].length)}`;
}

export class ScriptTranslator {
  /** SHA1 the client knows → SHA1 Redis knows. */
  private readonly shas = new Map<string, string>();

  private remember(script: string): string {
    const compatible = compatibleScript(script);
    if (compatible !== script) this.shas.set(sha1(script), sha1(compatible));
    return compatible;
  }

  /** The command as Redis should run it. */
  translate(command: string[]): string[] {
    const name = command[0]!.toLowerCase();
    if ((name === 'eval' || name === 'eval_ro') && command.length > 1) {
      return [command[0]!, this.remember(command[1]!), ...command.slice(2)];
    }
    if ((name === 'evalsha' || name === 'evalsha_ro') && command.length > 1) {
      const sha = command[1]!.toLowerCase();
      return [command[0]!, this.shas.get(sha) ?? sha, ...command.slice(2)];
    }
    if (name === 'script' && command[1]?.toLowerCase() === 'load' && command.length > 2) {
      return [command[0]!, command[1]!, this.remember(command[2]!)];
    }
    if (name === 'script' && command[1]?.toLowerCase() === 'exists') {
      return [...command.slice(0, 2), ...command.slice(2).map((s) => this.shas.get(s.toLowerCase()) ?? s)];
    }
    return command;
  }

  /** SCRIPT LOAD answers with the SHA1 of the script the client sent. */
  scriptLoadSha(command: string[]): string | null {
    const isLoad = command[0]!.toLowerCase() === 'script' && command[1]?.toLowerCase() === 'load' && command.length > 2;
    return isLoad ? sha1(command[2]!) : null;
  }
}
