/**
 * The realtime windows kept by the SiteDO (served by the realtime API): per-minute pageviews and
 * events, and which visitors were seen in each minute, for the last 30 minutes. Counted in arrival
 * time: realtime is "what is happening now", not a backfill's event time. The state itself is in
 * memory (window.ts).
 */
export const REALTIME_WINDOW_MINUTES = 30;
export const CURRENT_VISITORS_MINUTES = 5;

export function minuteOf(ts: number): number {
  return Math.floor(ts / 60_000);
}

export interface RealtimeCounters {
  /** distinct visitors seen in the last 5 whole minutes (the current one included) */
  currentVisitors: number;
  /** oldest first, one entry per minute of the window, zero-filled */
  minutes: { minute: number; pageviews: number; events: number; visitors: number }[];
}
