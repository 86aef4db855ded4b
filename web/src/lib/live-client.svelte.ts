/**
 * The browser side of the live view: an EventSource on /live that keeps the list of calls in
 * progress and their transcripts. EventSource reconnects by itself and sends Last-Event-ID (the
 * last message id), so the server replays what a dropped connection missed; lines are kept by
 * id, so a replayed line is never shown twice.
 */
import type { LiveCall, TranscriptLine } from './types';

export interface LiveInit {
  calls?: LiveCall[];
  lines: TranscriptLine[];
  /** The newest message id the page was rendered with. */
  after: number;
  /** Follow one call instead of every live call. */
  conversation?: string;
}

const order = (a: TranscriptLine, b: TranscriptLine) =>
  a.turn - b.turn || Number(a.role === 'agent') - Number(b.role === 'agent') || a.id - b.id;

export class LiveFeed {
  calls: LiveCall[] = $state([]);
  lines: Record<string, TranscriptLine[]> = $state({});
  connected = $state(false);
  /** When each line arrived in this browser (performance.now()), for measuring delay. */
  arrivals = new Map<number, number>();
  private source: EventSource | null = null;

  constructor(private readonly init: LiveInit) {
    this.calls = init.calls ?? [];
    for (const line of init.lines) this.add(line);
  }

  start(): void {
    const params = new URLSearchParams({ after: String(this.init.after) });
    if (this.init.conversation) params.set('conversation', this.init.conversation);
    const source = new EventSource(`/live?${params}`);
    this.source = source;
    source.onopen = () => (this.connected = true);
    source.onerror = () => (this.connected = false);
    source.addEventListener('snapshot', (e) => this.snapshot(JSON.parse((e as MessageEvent).data)));
    source.addEventListener('call', (e) => this.call(JSON.parse((e as MessageEvent).data)));
    source.addEventListener('message', (e) => this.add(JSON.parse((e as MessageEvent).data)));
  }

  stop(): void {
    this.source?.close();
    this.source = null;
    this.connected = false;
  }

  transcript(conversationId: string): TranscriptLine[] {
    return this.lines[conversationId] ?? [];
  }

  private add(line: TranscriptLine): void {
    const list = this.lines[line.conversation_id] ?? [];
    if (list.some((l) => l.id === line.id)) return;
    this.arrivals.set(line.id, performance.now());
    this.lines[line.conversation_id] = [...list, line].sort(order);
  }

  private snapshot(calls: LiveCall[]): void {
    // Calls that ended while we were away drop out; ones that started appear.
    this.calls = calls;
  }

  private call({ kind, call }: { kind: string; call: LiveCall }): void {
    const others = this.calls.filter((c) => c.id !== call.id);
    const stillLive = !call.ended_at && (call.status === 'in-progress' || call.status === 'ringing');
    if (kind === 'call_ended' || !stillLive) {
      // Keep an ended call on screen briefly, marked ended, so the last words are not lost.
      if (this.calls.some((c) => c.id === call.id)) {
        this.calls = this.calls.map((c) => (c.id === call.id ? call : c));
        setTimeout(() => (this.calls = this.calls.filter((c) => c.id !== call.id || !c.ended_at)), 60_000);
      }
      return;
    }
    this.calls = [call, ...others].sort((a, b) => +new Date(b.started_at) - +new Date(a.started_at));
  }
}
