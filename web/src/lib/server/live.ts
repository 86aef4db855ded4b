/**
 * Live calls and transcripts. ONE dedicated connection per server process LISTENs on
 * `call_events` (a session-mode connection: LISTEN does not survive a transaction pooler).
 * Notifications carry ids only; each subscriber gets the rows read back under its own RLS.
 */
import postgres from 'postgres';
import { asUser, type Claims, type Sql } from './db.ts';
import { liveCalls, liveCallById, messageById, messagesAfter, type LiveCall, type TranscriptLine } from './queries/live.ts';

export interface CallEvent {
  kind: 'message' | 'call_started' | 'call_ended' | 'call_updated';
  conversation_id: string;
  message_id?: number;
}

/** Sends one Server-Sent Event; `id` is a message id (what Last-Event-ID resumes from). */
export type LiveSend = (event: 'message' | 'call' | 'snapshot', data: unknown, id?: number) => void;

export interface Subscription {
  claims: Claims;
  /** Null: every live call (home page); otherwise one conversation (a call's page). */
  conversationId: string | null;
  /** The highest message id this subscriber has been sent. */
  lastId: number;
  send: LiveSend;
  /** Ends the subscriber's stream (on server shutdown). */
  close?: () => void;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A notification payload as a typed event, or null for anything else. */
export function parseCallEvent(payload: string): CallEvent | null {
  try {
    const ev = JSON.parse(payload) as Partial<CallEvent>;
    if (!ev || typeof ev.conversation_id !== 'string' || !uuid.test(ev.conversation_id)) return null;
    if (ev.kind === 'message') return Number.isSafeInteger(Number(ev.message_id)) ? { kind: 'message', conversation_id: ev.conversation_id, message_id: Number(ev.message_id) } : null;
    if (ev.kind === 'call_started' || ev.kind === 'call_ended' || ev.kind === 'call_updated') return { kind: ev.kind, conversation_id: ev.conversation_id };
    return null;
  } catch {
    return null;
  }
}

export class LiveHub {
  private readonly subs = new Set<Subscription>();
  private readonly listener: Sql;
  private listenedOnce = false;
  /** Notifications are handled one after another, so each stream gets lines in commit order. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly sql: Sql, databaseUrl: string) {
    this.listener = postgres(databaseUrl, { max: 1, connection: { application_name: 'legacyai-dashboard-listen' }, onnotice: () => {} });
  }

  /** LISTEN; after a reconnect of the listening connection, every subscriber catches up. */
  async start(): Promise<void> {
    await this.listener.listen(
      'call_events',
      (payload) => {
        this.queue = this.queue
          .then(() => this.onNotify(payload))
          .catch((err) => console.error(JSON.stringify({ msg: 'live event failed', error: String(err) })));
      },
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
    this.closeAll();
    await this.listener.end({ timeout: 1 });
  }

  get subscriberCount(): number {
    return this.subs.size;
  }

  /** Add a subscriber and send what it missed after `lastId`; returns the unsubscribe. */
  async subscribe(sub: Subscription): Promise<() => void> {
    this.subs.add(sub);
    await this.catchUp(sub);
    return () => this.subs.delete(sub);
  }

  private async catchUp(sub: Subscription): Promise<void> {
    await asUser(this.sql, sub.claims, async (tx) => {
      if (!sub.conversationId) sub.send('snapshot', await liveCalls(tx));
      for (const line of await messagesAfter(tx, sub.lastId, sub.conversationId)) this.deliver(sub, line);
    });
  }

  private deliver(sub: Subscription, line: TranscriptLine): void {
    sub.send('message', line, line.id);
    sub.lastId = Math.max(sub.lastId, line.id);
  }

  private async onNotify(payload: string): Promise<void> {
    const ev = parseCallEvent(payload);
    if (!ev) return;
    const byUser = new Map<string, Subscription[]>();
    for (const sub of this.subs) {
      if (sub.conversationId && sub.conversationId !== ev.conversation_id) continue;
      const group = byUser.get(sub.claims.sub) ?? [];
      group.push(sub);
      byUser.set(sub.claims.sub, group);
    }
    await Promise.all([...byUser.values()].map((group) => this.fanOut(ev, group)));
  }

  /** Read the row once for this user (under their RLS) and send it to each of their streams. */
  private async fanOut(ev: CallEvent, group: Subscription[]): Promise<void> {
    const claims = group[0].claims;
    if (ev.kind === 'message') {
      const line = await asUser(this.sql, claims, (tx) => messageById(tx, ev.message_id!));
      if (line) for (const sub of group) this.deliver(sub, line);
      return;
    }
    const call: LiveCall | null = await asUser(this.sql, claims, (tx) => liveCallById(tx, ev.conversation_id));
    if (call) for (const sub of group) sub.send('call', { kind: ev.kind, call });
  }
}

/** One event in the text/event-stream format. */
export function formatSse(event: string, data: unknown, id?: number): string {
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
