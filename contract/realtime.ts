/**
 * The realtime wire shapes (issue 5), shared by the SiteDO that computes them, the Worker that
 * merges shards, and the WebSocket clients. JSON-ready: snake_case, ISO times, no visitor ids.
 */

/** One row of a breakdown: distinct visitors and pageviews in the last 30 minutes. */
export interface BreakdownRow {
  name: string | null;
  visitors: number;
  pageviews: number;
}

export interface MinuteRow {
  /** start of the minute, ISO 8601 UTC */
  time: string;
  pageviews: number;
  visitors: number;
  events: number;
}

export interface GoalRow {
  name: string;
  /** distinct visitors who converted in the last 30 minutes */
  visitors: number;
  /** matching events (custom events or pageviews of the goal's pages) */
  events: number;
  /** visitors / visitors_30m, in percent with one decimal */
  conversion_rate: number;
}

/** One event as viewers see it: what happened, where, on what, from where. Never who. */
export interface LiveEvent {
  /** the event's id, so a client can drop an event it already has from the snapshot */
  id: string;
  name: string;
  path: string;
  country: string | null;
  device: string;
  source: string;
  /** arrival time, ISO 8601 */
  time: string;
}

/** `GET /api/v1/sites/{site}/realtime`, and the first message on the live stream. */
export interface RealtimeSnapshot {
  site: string;
  /** when this snapshot was taken, ISO 8601 */
  at: string;
  /** current visitors: distinct visitors whose last event arrived less than 5 minutes ago */
  visitors: number;
  /** distinct visitors, pageviews and events that arrived in the last 30 minutes */
  visitors_30m: number;
  pageviews: number;
  events: number;
  /** 30 whole-minute buckets, oldest first, the current (partial) minute last */
  minutes: MinuteRow[];
  pages: BreakdownRow[];
  sources: BreakdownRow[];
  countries: BreakdownRow[];
  devices: BreakdownRow[];
  goals: GoalRow[];
  /** the last 50 events, newest first */
  recent: LiveEvent[];
}

/** What one shard reports with each coalesced batch; the socket holder sums shards. */
export interface ShardCounters {
  visitors: number;
  minute: MinuteRow;
}

/** Server → client messages on `/api/v1/sites/{site}/live`. */
export type LiveMessage =
  | ({ type: 'snapshot' } & RealtimeSnapshot)
  | { type: 'events'; events: LiveEvent[]; visitors: number; minute: MinuteRow; at: string };

/**
 * Server → client when a request on the live socket is refused (a snapshot asked for too often);
 * the socket stays open. A socket that floods is closed with 1008 instead.
 */
export interface LiveNotice {
  type: 'error';
  code: string;
  error: string;
  retryAfterMs?: number;
}

export const RECENT_EVENTS = 50;
/**
 * A live socket may have a requested snapshot (`{"type":"snapshot"}`) this often: each is ~12 KB
 * built from SQLite (and other shards) for a 19-byte request. The one sent on connect does not
 * count. Viewers that want fresh totals pace their requests by it.
 */
export const SNAPSHOT_INTERVAL_MS = 5_000;
export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;
/** Rows per breakdown a shard returns for merging: enough that the merged top 10 is exact in practice. */
export const SHARD_TOP_LIMIT = 1000;

/** Headers the Worker sets on the upgrade it forwards to the SiteDO (never from a client). */
export const LIVE_HEADERS = { viewer: 'x-pulse-viewer', site: 'x-pulse-site', protocol: 'x-pulse-protocol' } as const;
