import type { BreakdownRow, GoalRow, MinuteRow, RealtimeSnapshot, ShardCounters } from './realtime';
import { RECENT_EVENTS } from './realtime';

/**
 * Merging the snapshots of a sharded site's SiteDOs (DESIGN §8). The collector sends a visitor's
 * events to one shard always (hash of uid, or of IP + UA), so every distinct count — current
 * visitors, visitors per minute, per page, per goal — is a plain sum across shards.
 * Pure functions over the wire types, here because both sides merge: the Worker's realtime route
 * (every shard's snapshot) and the SiteDO holding a sharded site's sockets (shard 0 merges the others).
 */
export function mergeSnapshots(site: string, parts: RealtimeSnapshot[], limit: number): RealtimeSnapshot {
  if (parts.length === 1) return { ...parts[0]!, site, ...trim(parts[0]!, limit) };
  const sum = (pick: (s: RealtimeSnapshot) => number) => parts.reduce((total, s) => total + pick(s), 0);
  const visitors30m = sum((s) => s.visitors_30m);
  return {
    site,
    at: parts.map((s) => s.at).sort().at(-1) ?? new Date().toISOString(),
    visitors: sum((s) => s.visitors),
    visitors_30m: visitors30m,
    pageviews: sum((s) => s.pageviews),
    events: sum((s) => s.events),
    minutes: mergeMinutes(parts.map((s) => s.minutes)),
    pages: mergeRows(parts.map((s) => s.pages), limit),
    sources: mergeRows(parts.map((s) => s.sources), limit),
    countries: mergeRows(parts.map((s) => s.countries), limit),
    devices: mergeRows(parts.map((s) => s.devices), limit),
    goals: mergeGoals(parts.map((s) => s.goals), visitors30m),
    recent: parts
      .flatMap((s) => s.recent)
      .sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0))
      .slice(0, RECENT_EVENTS),
  };
}

function trim(snapshot: RealtimeSnapshot, limit: number): Partial<RealtimeSnapshot> {
  return {
    pages: snapshot.pages.slice(0, limit),
    sources: snapshot.sources.slice(0, limit),
    countries: snapshot.countries.slice(0, limit),
    devices: snapshot.devices.slice(0, limit),
  };
}

function mergeMinutes(lists: MinuteRow[][]): MinuteRow[] {
  const byTime = new Map<string, MinuteRow>();
  for (const list of lists) {
    for (const row of list) {
      const seen = byTime.get(row.time);
      if (!seen) byTime.set(row.time, { ...row });
      else Object.assign(seen, { pageviews: seen.pageviews + row.pageviews, visitors: seen.visitors + row.visitors, events: seen.events + row.events });
    }
  }
  // Shards read their clocks a moment apart; keep the newest 30 minutes.
  return [...byTime.values()].sort((a, b) => (a.time < b.time ? -1 : 1)).slice(-30);
}

export function mergeRows(lists: BreakdownRow[][], limit: number): BreakdownRow[] {
  const byName = new Map<string | null, BreakdownRow>();
  for (const list of lists) {
    for (const row of list) {
      const seen = byName.get(row.name);
      if (!seen) byName.set(row.name, { ...row });
      else Object.assign(seen, { visitors: seen.visitors + row.visitors, pageviews: seen.pageviews + row.pageviews });
    }
  }
  return [...byName.values()]
    .sort((a, b) => b.visitors - a.visitors || b.pageviews - a.pageviews || String(a.name).localeCompare(String(b.name)))
    .slice(0, limit);
}

function mergeGoals(lists: GoalRow[][], visitors30m: number): GoalRow[] {
  const byName = new Map<string, GoalRow>();
  for (const list of lists) {
    for (const row of list) {
      const seen = byName.get(row.name);
      if (!seen) byName.set(row.name, { ...row });
      else Object.assign(seen, { visitors: seen.visitors + row.visitors, events: seen.events + row.events });
    }
  }
  return [...byName.values()].map((g) => ({ ...g, conversion_rate: visitors30m ? Math.round((g.visitors / visitors30m) * 1000) / 10 : 0 }));
}

/** The live stream's counters: the sum of each shard's latest report of the newest minute. */
export function sumCounters(reports: ShardCounters[]): ShardCounters {
  const newest = reports.map((r) => r.minute.time).sort().at(-1) ?? new Date(0).toISOString();
  const minute: MinuteRow = { time: newest, pageviews: 0, visitors: 0, events: 0 };
  let visitors = 0;
  for (const report of reports) {
    visitors += report.visitors;
    if (report.minute.time !== newest) continue; // a shard quiet since the minute turned has 0 in it
    minute.pageviews += report.minute.pageviews;
    minute.visitors += report.minute.visitors;
    minute.events += report.minute.events;
  }
  return { visitors, minute };
}
