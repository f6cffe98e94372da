import type { Goal } from '../../../workers/lib/goals';
import { wildcardRegex } from '../../../workers/lib/goals';
import type { BreakdownRow, GoalRow, LiveEvent, MinuteRow, RealtimeSnapshot, ShardCounters } from '../../../contract/realtime';
import { RECENT_EVENTS } from '../../../contract/realtime';
import { PASSIVE_EVENT_NAMES } from '../../../contract/events';
import { minuteOf } from './counters';
import { CURRENT_MS, WINDOW_MS, type RealtimeRow, type RealtimeWindow, type Tallies, type Tally } from './window';

/**
 * The realtime snapshot, shaped from the window's pre-aggregated state (window.ts): breakdowns by
 * distinct visitors, goal conversions, the recent-events list, the per-minute series. Reading it
 * is O(distinct values) and writes nothing (it used to GROUP BY 30 minutes of rows: ~68 ms on a
 * busy shard, blocking it). Passive events (engagement, web vitals, errors) count as presence and
 * in `events`, but are not listed or pushed: a page sends several of them, and they would bury
 * the pageviews and goals.
 */
const PASSIVE = new Set<string>(PASSIVE_EVENT_NAMES);

export { CURRENT_MS, WINDOW_MS, type RealtimeRow };

export function toLiveEvent(at: number, row: Omit<RealtimeRow, 'visitorId'>): LiveEvent {
  return { id: row.id, name: row.name, path: row.pathname, country: row.country, device: row.device, source: row.source, time: new Date(at).toISOString() };
}

const minuteRow = (minute: { minute: number; pageviews: number; visitors: number; events: number }): MinuteRow => ({
  time: new Date(minute.minute * 60_000).toISOString(),
  pageviews: minute.pageviews,
  visitors: minute.visitors,
  events: minute.events,
});

/** What this object sends along with a coalesced batch: its current visitors and this minute. */
export function readShardCounters(window: RealtimeWindow, now: number): ShardCounters {
  const minute = window.counters(now).minutes.at(-1)!;
  return { visitors: window.tallies(now - WINDOW_MS).visitorsSince(now - CURRENT_MS), minute: minuteRow({ ...minute, minute: minuteOf(now) }) };
}

/** As SQLite's ORDER BY visitors DESC, pageviews DESC, label (NULL first) did. */
function byRank(a: [string | null, Tally], b: [string | null, Tally]): number {
  const [la, ta] = a;
  const [lb, tb] = b;
  if (ta.visitors.size !== tb.visitors.size) return tb.visitors.size - ta.visitors.size;
  if (ta.pageviews !== tb.pageviews) return tb.pageviews - ta.pageviews;
  if (la === lb) return 0;
  if (la === null) return -1;
  if (lb === null) return 1;
  return la < lb ? -1 : 1;
}

function breakdown(values: Map<string | null, Tally>, limit: number): BreakdownRow[] {
  return [...values]
    .sort(byRank)
    .slice(0, limit)
    .map(([name, tally]) => ({ name, visitors: tally.visitors.size, pageviews: tally.pageviews }));
}

/** Goal conversions of the window: custom-event goals by name, page goals by wildcard path. */
function readGoals(tallies: Tallies, goals: Goal[], visitors30m: number): GoalRow[] {
  return goals.map((goal) => {
    let visitors = 0;
    let events = 0;
    if (goal.eventName !== null) {
      const tally = tallies.by.names.get(goal.eventName);
      visitors = tally?.visitors.size ?? 0;
      events = tally?.events ?? 0;
    } else if (goal.pagePath !== null) {
      const pattern = wildcardRegex(goal.pagePath);
      const seen = new Set<number>();
      for (const [path, tally] of tallies.by.pages) {
        if (path === null || !pattern.test(path)) continue;
        for (const v of tally.visitors.keys()) seen.add(v);
        events += tally.pageviews;
      }
      visitors = seen.size;
    }
    return { name: goal.name, visitors, events, conversion_rate: conversionRate(visitors, visitors30m) };
  });
}

export const conversionRate = (visitors: number, total: number): number => (total ? Math.round((visitors / total) * 1000) / 10 : 0);

/** This object's snapshot (one shard's view when the site is sharded; `mergeSnapshots` sums them). */
export function readSnapshot(window: RealtimeWindow, site: string, now: number, goals: Goal[], limit: number): RealtimeSnapshot {
  const since = now - WINDOW_MS;
  const tallies = window.tallies(since);
  const visitors30m = tallies.total.visitors.size;
  return {
    site,
    at: new Date(now).toISOString(),
    visitors: tallies.visitorsSince(now - CURRENT_MS),
    visitors_30m: visitors30m,
    pageviews: tallies.total.pageviews,
    events: tallies.total.events,
    minutes: window.counters(now).minutes.map(minuteRow),
    pages: breakdown(tallies.by.pages, limit),
    sources: breakdown(tallies.by.sources, limit),
    countries: breakdown(tallies.by.countries, limit),
    devices: breakdown(tallies.by.devices, limit),
    goals: readGoals(tallies, goals, visitors30m),
    recent: window.recent(since, RECENT_EVENTS, (e) => !PASSIVE.has(e.name)).map((e) => toLiveEvent(e.at, e)),
  };
}
