import type { Goal } from '../../../workers/lib/goals';
import { wildcardRegex } from '../../../workers/lib/goals';
import type { BreakdownRow, GoalRow, LiveEvent, MinuteRow, RealtimeSnapshot, ShardCounters } from '../../../contract/realtime';
import { RECENT_EVENTS } from '../../../contract/realtime';
import { PASSIVE_EVENT_NAMES } from '../../../contract/events';
import { CURRENT_VISITORS_MINUTES, minuteOf, readRealtime, REALTIME_WINDOW_MINUTES } from './counters';

/**
 * One compact row per accepted event of the last 30 minutes (`rt_events`, arrival time), so the
 * SiteDO answers the realtime snapshot from its own SQLite: breakdowns by distinct visitors, goal
 * conversions, the recent-events list. The per-minute series stays in `rt_minutes` (cheap to read).
 * Windows are exact to the millisecond: "current" = arrived less than 5 minutes ago.
 * Passive events (engagement, web vitals, errors) count as presence and in `events`, but are not
 * listed or pushed: a page sends several of them, and they would bury the pageviews and goals.
 */
/** the passive names as SQL literals (constants from contract/events.ts, never request data) */
const PASSIVE_LIST = PASSIVE_EVENT_NAMES.map((n) => `'${n}'`).join(', ');

export const CURRENT_MS = CURRENT_VISITORS_MINUTES * 60_000;
export const WINDOW_MS = REALTIME_WINDOW_MINUTES * 60_000;

export interface RealtimeRow {
  id: string;
  visitorId: number;
  name: string;
  pathname: string;
  source: string;
  country: string | null;
  device: string;
}

export function recordRealtimeEvent(sql: SqlStorage, at: number, row: RealtimeRow): void {
  sql.exec(
    'INSERT INTO rt_events (at, visitor_id, id, name, pathname, source, country, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    at,
    row.visitorId,
    row.id,
    row.name,
    row.pathname,
    row.source,
    row.country,
    row.device,
  );
}

export function toLiveEvent(at: number, row: Omit<RealtimeRow, 'visitorId'>): LiveEvent {
  return { id: row.id, name: row.name, path: row.pathname, country: row.country, device: row.device, source: row.source, time: new Date(at).toISOString() };
}

export function pruneRealtimeEvents(sql: SqlStorage, now: number): void {
  sql.exec('DELETE FROM rt_events WHERE at <= ?', now - WINDOW_MS);
}

const minuteRow = (minute: { minute: number; pageviews: number; visitors: number; events: number }): MinuteRow => ({
  time: new Date(minute.minute * 60_000).toISOString(),
  pageviews: minute.pageviews,
  visitors: minute.visitors,
  events: minute.events,
});

export function currentVisitors(sql: SqlStorage, now: number): number {
  return sql.exec<{ n: number }>('SELECT count(DISTINCT visitor_id) AS n FROM rt_events WHERE at > ?', now - CURRENT_MS).one().n;
}

/** What this object sends along with a coalesced batch: its current visitors and this minute. */
export function readShardCounters(sql: SqlStorage, now: number): ShardCounters {
  const minute = minuteOf(now);
  const counts = sql.exec<{ pageviews: number; events: number }>('SELECT pageviews, events FROM rt_minutes WHERE minute = ?', minute).toArray()[0];
  const visitors = sql.exec<{ n: number }>('SELECT count(*) AS n FROM rt_minute_visitors WHERE minute = ?', minute).one().n;
  return {
    visitors: currentVisitors(sql, now),
    minute: minuteRow({ minute, pageviews: counts?.pageviews ?? 0, events: counts?.events ?? 0, visitors }),
  };
}

/** Column → breakdown; pages count pageviews only, the others every event of the window. */
const BREAKDOWNS = { pages: 'pathname', sources: 'source', countries: 'country', devices: 'device' } as const;

function readBreakdown(sql: SqlStorage, column: string, pagesOnly: boolean, since: number, limit: number): BreakdownRow[] {
  // `column` comes from BREAKDOWNS above, never from a request.
  return sql
    .exec<{ label: string | null; visitors: number; pageviews: number }>(
      // `label`, not `name`: an alias named like the event-name column would shadow it in ORDER BY.
      `SELECT ${column} AS label, count(DISTINCT visitor_id) AS visitors, sum(name = 'pageview') AS pageviews
       FROM rt_events WHERE at > ? ${pagesOnly ? "AND name = 'pageview'" : ''}
       GROUP BY ${column} ORDER BY visitors DESC, pageviews DESC, label LIMIT ?`,
      since,
      limit,
    )
    .toArray()
    .map((row) => ({ name: row.label, visitors: row.visitors, pageviews: row.pageviews }));
}

/** Goal conversions of the window: custom-event goals by name, page goals by wildcard path. */
function readGoals(sql: SqlStorage, goals: Goal[], since: number, visitors30m: number): GoalRow[] {
  return goals.map((goal) => {
    let visitors = 0;
    let events = 0;
    if (goal.eventName !== null) {
      const row = sql
        .exec<{ v: number; e: number }>('SELECT count(DISTINCT visitor_id) AS v, count(*) AS e FROM rt_events WHERE at > ? AND name = ?', since, goal.eventName)
        .one();
      ({ v: visitors, e: events } = row);
    } else if (goal.pagePath !== null) {
      // SQLite has no regex here: narrow by the literal prefix, then match the wildcards in JS.
      const prefix = goal.pagePath.split('*')[0]!;
      const pattern = wildcardRegex(goal.pagePath);
      const seen = new Set<number>();
      const rows = sql.exec<{ pathname: string; visitor_id: number; n: number }>(
        `SELECT pathname, visitor_id, count(*) AS n FROM rt_events
         WHERE at > ? AND name = 'pageview' AND substr(pathname, 1, ?) = ? GROUP BY pathname, visitor_id`,
        since,
        prefix.length,
        prefix,
      );
      for (const row of rows) {
        if (!pattern.test(row.pathname)) continue;
        seen.add(row.visitor_id);
        events += row.n;
      }
      visitors = seen.size;
    }
    return { name: goal.name, visitors, events, conversion_rate: conversionRate(visitors, visitors30m) };
  });
}

export const conversionRate = (visitors: number, total: number): number => (total ? Math.round((visitors / total) * 1000) / 10 : 0);

/** This object's snapshot (one shard's view when the site is sharded; `mergeSnapshots` sums them). */
export function readSnapshot(sql: SqlStorage, site: string, now: number, goals: Goal[], limit: number): RealtimeSnapshot {
  const since = now - WINDOW_MS;
  const totals = sql
    .exec<{ v: number; p: number; e: number }>("SELECT count(DISTINCT visitor_id) AS v, coalesce(sum(name = 'pageview'), 0) AS p, count(*) AS e FROM rt_events WHERE at > ?", since)
    .one();
  const recent = sql
    .exec<{ at: number; id: string; name: string; pathname: string; source: string; country: string | null; device: string }>(
      `SELECT at, id, name, pathname, source, country, device FROM rt_events
       WHERE at > ? AND name NOT IN (${PASSIVE_LIST}) ORDER BY seq DESC LIMIT ?`,
      since,
      RECENT_EVENTS,
    )
    .toArray()
    .map((row) => toLiveEvent(row.at, row));
  return {
    site,
    at: new Date(now).toISOString(),
    visitors: currentVisitors(sql, now),
    visitors_30m: totals.v,
    pageviews: totals.p,
    events: totals.e,
    minutes: readRealtime(sql, now).minutes.map(minuteRow),
    pages: readBreakdown(sql, BREAKDOWNS.pages, true, since, limit),
    sources: readBreakdown(sql, BREAKDOWNS.sources, false, since, limit),
    countries: readBreakdown(sql, BREAKDOWNS.countries, false, since, limit),
    devices: readBreakdown(sql, BREAKDOWNS.devices, false, since, limit),
    goals: readGoals(sql, goals, since, totals.v),
    recent,
  };
}
