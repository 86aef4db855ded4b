/**
 * Live calls, transcripts and figures for the dashboard's open pages, kept off the calls' commit
 * path. Calls are announced by NOTIFY on `call_events` a few times per call (start, end, status,
 * escalation), received on ONE dedicated connection per server process (session mode: LISTEN
 * does not survive a transaction pooler). Transcript lines are not announced: while someone
 * watches, the hub asks `messages_committed_since()` every POLL_MS for the ids that committed
 * since its last look. Ids only travel; rows are read back under RLS once per signed-in user.
 * Three independent loops, so that none waits for another: the poll for lines, call events
 * (read in batches: a hundred calls starting at once are one read per user), and the figures.
 */
import postgres from 'postgres';
import { asUser, type Claims, type Sql } from './db.ts';
import { liveCalls, liveCallsByIds, messagesAfter, messagesByIds, type LiveCall, type TranscriptLine } from './queries/live.ts';
import { liveMetrics, type LiveMetrics } from './queries/metrics.ts';

export interface CallEvent {
  kind: 'call_started' | 'call_ended' | 'call_updated';
  conversation_id: string;
}

/** Sends one Server-Sent Event; `id` is a message id (what Last-Event-ID resumes from). */
export type LiveSend = (event: 'message' | 'call' | 'snapshot' | 'metrics', data: unknown, id?: number) => void;

export interface Subscription {
  claims: Claims;
  /** Null: every live call (home page, navigation); otherwise one conversation (a call's page). */
  conversationId: string | null;
  /** The highest message id this subscriber has been sent. */
  lastId: number;
  send: LiveSend;
  /** False for a stream that wants no transcript lines (the navigation's). Default true. */
  transcripts?: boolean;
  /** True for a stream that keeps the tiles and badges current. */
  metrics?: boolean;
  /** Ends the subscriber's stream (on server shutdown). */
  close?: () => void;
}

/** How often new transcript lines are looked for while someone watches (from one look's start to the next's). */
export const POLL_MS = 100;
/** Figures are recomputed at most this often while lines arrive, and at least this often. */
const METRICS_MIN_MS = 1000;
const METRICS_MAX_MS = 5000;
/** After a call starts or ends (the tiles move at once), but no more often than this. */
const METRICS_CALL_MS = 250;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A notification payload as a typed event, or null for anything else. */
export function parseCallEvent(payload: string): CallEvent | null {
  try {
    const ev = JSON.parse(payload) as Partial<CallEvent>;
    if (!ev || typeof ev.conversation_id !== 'string' || !uuid.test(ev.conversation_id)) return null;
    if (ev.kind === 'call_started' || ev.kind === 'call_ended' || ev.kind === 'call_updated') return { kind: ev.kind, conversation_id: ev.conversation_id };
    return null;
  } catch {
    return null;
  }
}

const wantsLines = (s: Subscription) => s.transcripts !== false;

function byUser(subs: Iterable<Subscription>): Subscription[][] {
  const groups = new Map<string, Subscription[]>();
  for (const sub of subs) {
    const group = groups.get(sub.claims.sub) ?? [];
    group.push(sub);
    groups.set(sub.claims.sub, group);
  }
  return [...groups.values()];
}

export class LiveHub {
  private readonly subs = new Set<Subscription>();
  private readonly listener: Sql;
  private listenedOnce = false;
  /** Call events not yet sent, in arrival order, and whether a batch is queued to send them. */
  private pendingEvents: CallEvent[] = [];
  private eventsQueued = false;
  /** Batches of call events are sent one after another, so each stream gets them in order. */
  private events: Promise<void> = Promise.resolve();
  /** Where the last look for new lines left off: the newest id seen and that look's snapshot. */
  private cursor: { maxId: number; snapshot: string } | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastTickAt = 0;
  private stopped = false;
  /** What moved since the figures were last computed: nothing, transcript lines, or a call. */
  private metricsMoved: 'nothing' | 'lines' | 'call' = 'nothing';
  private metricsAt = 0;
  private metricsRunning = false;
  private readonly lastMetrics = new WeakMap<Subscription, string>();

  constructor(private readonly sql: Sql, databaseUrl: string) {
    this.listener = postgres(databaseUrl, { max: 1, connection: { application_name: 'legacyai-dashboard-listen' }, onnotice: () => {} });
  }

  /** LISTEN; after a reconnect of the listening connection, every subscriber catches up. */
  async start(): Promise<void> {
    await this.listener.listen(
      'call_events',
      (payload) => this.onCallEvent(payload),
      () => {
        if (this.listenedOnce) for (const sub of this.subs) void this.catchUp(sub).catch(() => {});
        this.listenedOnce = true;
      },
    );
  }

  /** End every subscriber's stream, so a shutting-down server is not held open by them. */
  closeAll(): void {
    for (const sub of this.subs) sub.close?.();
    this.subs.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.closeAll();
    await this.listener.end({ timeout: 1 });
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  /** Add a subscriber and send what it missed after `lastId`; returns the unsubscribe. */
  async subscribe(sub: Subscription): Promise<() => void> {
    if (wantsLines(sub) && !this.cursor) await this.startCursor();
    this.subs.add(sub);
    await this.catchUp(sub);
    this.schedule();
    return () => this.subs.delete(sub);
  }

  private async startCursor(): Promise<void> {
    const [row] = await this.sql<{ max_id: number; snapshot: string }[]>`
      select coalesce(max(id), 0)::int8 as max_id, pg_current_snapshot()::text as snapshot from public.messages`;
    this.cursor ??= { maxId: Number(row.max_id), snapshot: row.snapshot };
  }

  /** The next look POLL_MS after the previous one started (at once if that one took longer). */
  private schedule(): void {
    if (this.timer || this.stopped || this.subs.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastTickAt = Date.now();
      this.tick()
        .catch((err) => console.error(JSON.stringify({ msg: 'live poll failed', error: String(err) })))
        .finally(() => this.schedule());
    }, Math.max(0, this.lastTickAt + POLL_MS - Date.now()));
  }

  private async tick(): Promise<void> {
    this.startMetricsIfDue();
    const watchers = [...this.subs].filter(wantsLines);
    if (watchers.length > 0) await this.pollLines(watchers);
    else this.cursor = null; // restarted at the next watcher: nobody missed anything
  }

  /** Figures are recomputed beside the poll, never in its way; one computation at a time. */
  private startMetricsIfDue(): void {
    const wait = { nothing: METRICS_MAX_MS, lines: METRICS_MIN_MS, call: METRICS_CALL_MS }[this.metricsMoved];
    const due = Date.now() - this.metricsAt >= wait;
    if (!due || this.metricsRunning || !this.subs.size) return;
    this.metricsRunning = true;
    this.sendMetrics()
      .catch((err) => console.error(JSON.stringify({ msg: 'live metrics failed', error: String(err) })))
      .finally(() => (this.metricsRunning = false));
  }

  /** New lines since the cursor, read back per user under RLS and sent in id order. */
  private async pollLines(watchers: Subscription[]): Promise<void> {
    if (!this.cursor) await this.startCursor();
    const cursor = this.cursor!;
    const rows = await this.sql<{ id: number | null; conversation_id: string | null; snapshot: string }[]>`
      select id, conversation_id, snapshot::text as snapshot
      from public.messages_committed_since(${cursor.maxId}::int8, ${cursor.snapshot}::pg_snapshot)`;
    const ids = rows.filter((r) => r.id !== null).map((r) => Number(r.id));
    this.cursor = { maxId: Math.max(cursor.maxId, ...ids), snapshot: rows[0].snapshot };
    if (ids.length === 0) return;
    if (this.metricsMoved === 'nothing') this.metricsMoved = 'lines';
    const calls = new Set(rows.map((r) => r.conversation_id));
    const interested = watchers.filter((s) => s.conversationId === null || calls.has(s.conversationId));
    await Promise.all(byUser(interested).map(async (group) => {
      const lines = await asUser(this.sql, group[0].claims, (tx) => messagesByIds(tx, ids));
      for (const sub of group) {
        for (const line of lines) if (sub.conversationId === null || sub.conversationId === line.conversation_id) this.deliver(sub, line);
      }
    }));
  }

  /** Send each metrics subscriber its figures when they differ from what it last got. */
  private async sendMetrics(): Promise<void> {
    this.metricsAt = Date.now();
    this.metricsMoved = 'nothing';
    const subs = [...this.subs].filter((s) => s.metrics);
    await Promise.all(byUser(subs).map(async (group) => {
      const metrics: LiveMetrics = await asUser(this.sql, group[0].claims, (tx) => liveMetrics(tx));
      const text = JSON.stringify(metrics);
      for (const sub of group) {
        if (this.lastMetrics.get(sub) === text) continue;
        this.lastMetrics.set(sub, text);
        sub.send('metrics', metrics);
      }
    }));
  }

  private async catchUp(sub: Subscription): Promise<void> {
    await asUser(this.sql, sub.claims, async (tx) => {
      if (!sub.conversationId && wantsLines(sub)) sub.send('snapshot', await liveCalls(tx));
      if (wantsLines(sub)) for (const line of await messagesAfter(tx, sub.lastId, sub.conversationId)) this.deliver(sub, line);
      if (sub.metrics) {
        const metrics = await liveMetrics(tx);
        this.lastMetrics.set(sub, JSON.stringify(metrics));
        sub.send('metrics', metrics);
      }
    });
  }

  private deliver(sub: Subscription, line: TranscriptLine): void {
    sub.send('message', line, line.id);
    sub.lastId = Math.max(sub.lastId, line.id);
  }

  /** Queue a call event; the events that arrive while a batch is being sent make the next batch. */
  private onCallEvent(payload: string): void {
    const ev = parseCallEvent(payload);
    if (!ev) return;
    this.metricsMoved = 'call';
    this.pendingEvents.push(ev);
    if (this.eventsQueued) return;
    this.eventsQueued = true;
    this.events = this.events
      .then(() => {
        this.eventsQueued = false;
        return this.sendCallEvents(this.pendingEvents.splice(0));
      })
      .catch((err) => console.error(JSON.stringify({ msg: 'live event failed', error: String(err) })));
  }

  /** Each event to the streams that show its call, the calls read once per user under RLS. */
  private async sendCallEvents(batch: CallEvent[]): Promise<void> {
    const wants = (s: Subscription, ev: CallEvent) => s.conversationId === null || s.conversationId === ev.conversation_id;
    const interested = [...this.subs].filter((s) => batch.some((ev) => wants(s, ev)));
    await Promise.all(byUser(interested).map(async (group) => {
      const ids = [...new Set(batch.filter((ev) => group.some((s) => wants(s, ev))).map((ev) => ev.conversation_id))];
      const calls = new Map<string, LiveCall>((await asUser(this.sql, group[0].claims, (tx) => liveCallsByIds(tx, ids))).map((c) => [c.id, c]));
      for (const ev of batch) {
        const call = calls.get(ev.conversation_id);
        if (call) for (const sub of group) if (wants(sub, ev)) sub.send('call', { kind: ev.kind, call });
      }
    }));
  }
}

/** One event in the text/event-stream format. */
export function formatSse(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
