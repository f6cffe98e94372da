/**
 * Realtime counters kept by the SiteDO (served by the realtime API): per-minute pageviews and
 * events, and which visitors were seen in each minute, for the last 30 minutes. They live in
 * SQLite so an evicted or restarted object resumes with the right numbers. Counted in arrival
 * time: realtime is "what is happening now", not a backfill's event time.
 */
export const REALTIME_WINDOW_MINUTES = 30;
export const CURRENT_VISITORS_MINUTES = 5;

export function minuteOf(ts: number): number {
  return Math.floor(ts / 60_000);
}

export function recordRealtime(sql: SqlStorage, now: number, visitorId: number, name: string): void {
  const minute = minuteOf(now);
  const isPageview = name === 'pageview' ? 1 : 0;
  sql.exec(
    `INSERT INTO rt_minutes (minute, pageviews, events) VALUES (?, ?, 1)
     ON CONFLICT (minute) DO UPDATE SET pageviews = pageviews + excluded.pageviews, events = events + 1`,
    minute,
    isPageview,
  );
  sql.exec('INSERT OR IGNORE INTO rt_minute_visitors (minute, visitor_id) VALUES (?, ?)', minute, visitorId);
}

export interface RealtimeCounters {
  currentVisitors: number;
  /** oldest first, one entry per minute of the window, zero-filled */
  minutes: { minute: number; pageviews: number; events: number; visitors: number }[];
}

export function readRealtime(sql: SqlStorage, now: number): RealtimeCounters {
  const last = minuteOf(now);
  const first = last - REALTIME_WINDOW_MINUTES + 1;
  const counts = new Map(
    sql
      .exec<{ minute: number; pageviews: number; events: number }>('SELECT minute, pageviews, events FROM rt_minutes WHERE minute >= ?', first)
      .toArray()
      .map((row) => [row.minute, row]),
  );
  const visitors = new Map(
    sql
      .exec<{ minute: number; n: number }>('SELECT minute, count(*) AS n FROM rt_minute_visitors WHERE minute >= ? GROUP BY minute', first)
      .toArray()
      .map((row) => [row.minute, row.n]),
  );
  const currentVisitors = sql
    .exec<{ n: number }>('SELECT count(DISTINCT visitor_id) AS n FROM rt_minute_visitors WHERE minute > ?', last - CURRENT_VISITORS_MINUTES)
    .one().n;
  const minutes = [];
  for (let minute = first; minute <= last; minute++) {
    const row = counts.get(minute);
    minutes.push({ minute, pageviews: row?.pageviews ?? 0, events: row?.events ?? 0, visitors: visitors.get(minute) ?? 0 });
  }
  return { currentVisitors, minutes };
}

export function pruneRealtime(sql: SqlStorage, now: number): void {
  const oldest = minuteOf(now) - REALTIME_WINDOW_MINUTES;
  sql.exec('DELETE FROM rt_minutes WHERE minute < ?', oldest);
  sql.exec('DELETE FROM rt_minute_visitors WHERE minute < ?', oldest);
}
