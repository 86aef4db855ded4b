/**
 * The local engine's memory for one call, kept in `TurnContext.state.local` (other providers'
 * keys are left alone). Read defensively: the state comes back from the database as JSON.
 */
import type { LeadFields } from '../types.ts';
import type { Lang } from '../hours.ts';
import type { DateParts, TimeParts } from '../speech/when.ts';

/** The question the agent asked last, which shapes how the next answer is read. */
export type Pending =
  | 'name'
  | 'company'
  | 'email'
  | 'phone'
  | 'need'
  | 'timeline'
  | 'when'
  | 'confirm_phone'
  | 'confirm_lead'
  | 'offer_transfer'
  | 'offer_callback'
  | 'anything_else'
  | 'fix_lead';

export type FlowKind = 'lead' | 'callback';
export type CallbackReason = 'request' | 'after_hours' | 'missed_transfer' | 'offer';

export interface Flow {
  kind: FlowKind;
  reason?: CallbackReason;
  /** Topic the callback or transfer is about. */
  topic?: string;
  /** Team member (user_id) who should call back. */
  assignee?: string;
  /** Slots the caller declined to give. */
  skipped?: string[];
  done?: boolean;
}

export interface CallbackState {
  date?: DateParts | null;
  time?: TimeParts | null;
  dateSaid?: boolean;
  vague?: boolean;
  /** The caller wants the earliest time ("whenever", "as soon as possible"). */
  asap?: boolean;
  text?: string;
  /** ISO instant of the booked callback. */
  at?: string;
  phone?: string;
  /** The caller confirmed the number (or gave one), so it is not asked again. */
  phoneOk?: boolean;
}

export interface LocalState {
  slots: LeadFields;
  flow: Flow | null;
  pending: Pending | null;
  /** Times the current pending question was asked without an answer. */
  asked: number;
  silences: number;
  misses: number;
  topic?: string;
  callback?: CallbackState;
  offer?: { topic?: string; reason: string };
  transfer?: { user_id: string; name: string; topic?: string; failed?: boolean };
  businessNoun?: string;
  /** The language the caller speaks (followed turn by turn). */
  lang?: Lang;
  /** The caller said they want no callback: a message is passed on, nothing is booked. */
  noCallback?: boolean;
}

function obj(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? v as Record<string, unknown> : {};
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** The engine's state from a turn's `state` (empty on the first turn). */
export function loadState(state: Record<string, unknown>): LocalState {
  const s = obj(state.local);
  const slots: LeadFields = {};
  for (const [k, v] of Object.entries(obj(s.slots))) {
    if (typeof v === 'string') (slots as Record<string, string>)[k] = v;
  }
  const flow = obj(s.flow);
  return {
    slots,
    flow: typeof flow.kind === 'string' ? flow as unknown as Flow : null,
    pending: typeof s.pending === 'string' ? s.pending as Pending : null,
    asked: num(s.asked),
    silences: num(s.silences),
    misses: num(s.misses),
    topic: typeof s.topic === 'string' ? s.topic : undefined,
    callback: s.callback ? obj(s.callback) as CallbackState : undefined,
    offer: s.offer ? obj(s.offer) as LocalState['offer'] : undefined,
    transfer: s.transfer ? obj(s.transfer) as LocalState['transfer'] : undefined,
    businessNoun: typeof s.businessNoun === 'string' ? s.businessNoun : undefined,
    lang: s.lang === 'es' ? 'es' : s.lang === 'en' ? 'en' : undefined,
    noCallback: s.noCallback === true || undefined,
  };
}

/** The turn's new `state`: the caller's other keys plus ours. */
export function saveState(previous: Record<string, unknown>, st: LocalState): Record<string, unknown> {
  return JSON.parse(JSON.stringify({ ...previous, local: st }));
}
