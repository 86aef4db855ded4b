/** Shapes shared by the server and the browser (dates arrive as strings over SSE). */

export interface LiveCall {
  id: string;
  direction: 'inbound' | 'outbound';
  from_number: string;
  to_number: string;
  status: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  escalated: boolean;
  outcome: string | null;
  customer_id: string | null;
  customer_name: string | null;
}

export interface TranscriptLine {
  id: number;
  conversation_id: string;
  turn: number;
  role: 'caller' | 'agent';
  kind: string;
  content: string;
  latency_ms: number | null;
  /** Streamed replies (relay): from the caller's words to the first words sent to Twilio. */
  first_token_ms: number | null;
  /** The caller cut the reply short; content is the part they heard. */
  interrupted: boolean;
  provider: string | null;
  tools: string[] | null;
  created_at: Date | string;
}

/** The home tiles (keys are the tiles' data-metric names) and the navigation badges. */
export interface LiveMetrics {
  tiles: {
    calls_today: number;
    in_progress: number;
    escalated: number;
    leads_today: number;
    callbacks_due: number;
    avg_duration: number | null;
    ai_cost: number;
  };
  /** Unread notifications (null where the table does not exist) and callbacks due now. */
  badges: { notifications: number | null; callbacks_due_now: number };
}
