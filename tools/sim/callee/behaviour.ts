/**
 * Who (or what) picks up an outbound call in the simulator: a person who says some lines, an
 * answering machine with a greeting and a beep, a fax, nobody, or a busy line. Numbers are given
 * a list of behaviours, one per call in order (the last one repeats), so "no answer, then a
 * person" is a retry test.
 */
export type Callee =
  | { kind: 'person'; lines?: string[] }
  | { kind: 'machine'; greetingMs?: number }
  | { kind: 'fax' }
  | { kind: 'no-answer' }
  | { kind: 'busy' }
  /** Only records the request (the stand-in's behaviour for a number nobody registered). */
  | { kind: 'record-only' };

export const CALLEE_KINDS = ['person', 'machine', 'fax', 'no-answer', 'busy', 'record-only'] as const;

/** A person's default lines: they answer, listen to the opening, and end the call politely. */
export const DEFAULT_PERSON_LINES = ['Yes, speaking.', 'Thanks, that is all for now. Bye.'];

/** Reads one behaviour from JSON, refusing anything else with a reason. */
export function parseCallee(value: unknown): Callee {
  const v = value as { kind?: unknown; lines?: unknown; greetingMs?: unknown };
  if (!v || typeof v !== 'object' || !CALLEE_KINDS.includes(v.kind as never)) {
    throw new Error(`a callee is one of ${CALLEE_KINDS.join(', ')} ({"kind": ...})`);
  }
  if (v.kind === 'person' && v.lines !== undefined &&
    !(Array.isArray(v.lines) && v.lines.every((l) => typeof l === 'string'))) {
    throw new Error('a person\'s lines are a list of strings');
  }
  if (v.kind === 'machine' && v.greetingMs !== undefined && !(typeof v.greetingMs === 'number' && v.greetingMs >= 0)) {
    throw new Error('a machine\'s greetingMs is a number of milliseconds');
  }
  return v as Callee;
}

/** Per-number behaviours, consumed one per call. */
export class CalleeBook {
  private readonly byNumber = new Map<string, Callee[]>();
  constructor(private readonly fallback: Callee = { kind: 'record-only' }) {}

  set(number: string, callees: Callee[]): void {
    if (callees.length === 0) this.byNumber.delete(number);
    else this.byNumber.set(number, [...callees]);
  }

  /** The behaviour for this number's next call. */
  next(number: string): Callee {
    const list = this.byNumber.get(number);
    if (!list) return this.fallback;
    return list.length > 1 ? list.shift()! : list[0]!;
  }
}
