import { CURRENT_VISITORS_MINUTES, minuteOf, REALTIME_WINDOW_MINUTES, type RealtimeCounters } from './counters';

/**
 * The last 30 minutes of accepted events (arrival time), in memory: no row is written per event
 * (the log rebuilds this after an eviction, site-do/rebuild.ts). Pre-aggregated, so a snapshot
 * costs O(distinct values), not a scan: per-minute counts and visitor sets for the series, and
 * per dimension value a tally (events, pageviews, events per visitor) kept over a sliding window
 * whose edge moves with the reads. Windows are exact to the millisecond: "current" = arrived less
 * than 5 minutes ago. A read further back than an earlier one (a test's `now`) is answered by a
 * scan of the kept events instead; they are pruned on wall-clock time, as the SQL rows were.
 */
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

export interface WindowEvent extends RealtimeRow {
  at: number;
}

/** Events, pageviews and events per visitor of one value (or of everything). */
export class Tally {
  events = 0;
  pageviews = 0;
  readonly visitors = new Map<number, number>();

  add(e: WindowEvent, sign: 1 | -1): void {
    this.events += sign;
    if (e.name === 'pageview') this.pageviews += sign;
    const n = (this.visitors.get(e.visitorId) ?? 0) + sign;
    if (n > 0) this.visitors.set(e.visitorId, n);
    else this.visitors.delete(e.visitorId);
  }
}

/** Breakdown key → value; pages count pageviews only, the others every event. */
export const DIMENSIONS = {
  pages: (e: WindowEvent) => (e.name === 'pageview' ? e.pathname : undefined),
  sources: (e: WindowEvent) => e.source,
  countries: (e: WindowEvent) => e.country,
  devices: (e: WindowEvent) => e.device,
  names: (e: WindowEvent) => e.name,
} as const;
export type Dimension = keyof typeof DIMENSIONS;

/** The tallies of every event that arrived after some instant. */
export class Tallies {
  readonly total = new Tally();
  readonly by = Object.fromEntries(Object.keys(DIMENSIONS).map((d) => [d, new Map<string | null, Tally>()])) as Record<Dimension, Map<string | null, Tally>>;
  /** each visitor's newest arrival among the tallied events */
  readonly lastAt = new Map<number, number>();

  add(e: WindowEvent, sign: 1 | -1): void {
    this.total.add(e, sign);
    for (const [dim, value] of Object.entries(DIMENSIONS) as [Dimension, (e: WindowEvent) => string | null | undefined][]) {
      const key = value(e);
      if (key === undefined) continue;
      const map = this.by[dim];
      let tally = map.get(key);
      if (!tally) map.set(key, (tally = new Tally()));
      tally.add(e, sign);
      if (tally.events === 0) map.delete(key);
    }
    if (sign > 0) this.lastAt.set(e.visitorId, Math.max(this.lastAt.get(e.visitorId) ?? -Infinity, e.at));
    else if (!this.total.visitors.has(e.visitorId)) this.lastAt.delete(e.visitorId);
  }

  /** distinct visitors whose newest event arrived after `since` */
  visitorsSince(since: number): number {
    let n = 0;
    for (const at of this.lastAt.values()) if (at > since) n += 1;
    return n;
  }
}

interface MinuteBucket {
  pageviews: number;
  events: number;
  visitors: Set<number>;
}

export class RealtimeWindow {
  /** insertion order (the recent list); and by arrival time (the sliding edge) */
  private bySeq: WindowEvent[] = [];
  private byAt: WindowEvent[] = [];
  private readonly minutes = new Map<number, MinuteBucket>();
  private sliding = new Tallies();
  /** the sliding tallies hold exactly the events that arrived after this */
  private horizon = -Infinity;
  /** how many of `byAt` arrived at or before `horizon` (a prefix) */
  private belowHorizon = 0;

  get size(): number {
    return this.bySeq.length;
  }

  get minuteBuckets(): number {
    return this.minutes.size;
  }

  record(at: number, row: RealtimeRow): void {
    const e: WindowEvent = { ...row, at };
    this.bySeq.push(e);
    // arrival times are mostly increasing: search back from the end
    let i = this.byAt.length;
    while (i > 0 && this.byAt[i - 1]!.at > at) i--;
    this.byAt.splice(i, 0, e);
    if (at > this.horizon) this.sliding.add(e, 1);
    else this.belowHorizon += 1;
    const minute = minuteOf(at);
    let bucket = this.minutes.get(minute);
    if (!bucket) this.minutes.set(minute, (bucket = { pageviews: 0, events: 0, visitors: new Set() }));
    bucket.events += 1;
    if (row.name === 'pageview') bucket.pageviews += 1;
    bucket.visitors.add(row.visitorId);
  }

  /** Forgets what fell out of the window at wall-clock `now` (the alarm). */
  prune(now: number): void {
    const since = now - WINDOW_MS;
    this.slide(since);
    let k = 0;
    while (k < this.byAt.length && this.byAt[k]!.at <= since) k++;
    if (k) {
      const gone = new Set(this.byAt.slice(0, k));
      this.byAt = this.byAt.slice(k);
      this.bySeq = this.bySeq.filter((e) => !gone.has(e));
      this.belowHorizon = Math.max(0, this.belowHorizon - k);
    }
    const oldest = minuteOf(now) - REALTIME_WINDOW_MINUTES;
    for (const minute of this.minutes.keys()) if (minute < oldest) this.minutes.delete(minute);
  }

  /** The tallies of events that arrived after `since`: the sliding ones, or a scan for an older edge. */
  tallies(since: number): Tallies {
    if (since >= this.horizon) {
      this.slide(since);
      return this.sliding;
    }
    const scan = new Tallies();
    for (const e of this.byAt) if (e.at > since) scan.add(e, 1);
    return scan;
  }

  /** The newest `limit` events after `since` that `keep` accepts, newest first. */
  recent(since: number, limit: number, keep: (e: WindowEvent) => boolean): WindowEvent[] {
    const out: WindowEvent[] = [];
    for (let i = this.bySeq.length - 1; i >= 0 && out.length < limit; i--) {
      const e = this.bySeq[i]!;
      if (e.at > since && keep(e)) out.push(e);
    }
    return out;
  }

  /** Per-minute series of the window ending at `now` (zero-filled, oldest first). */
  counters(now: number): RealtimeCounters {
    const last = minuteOf(now);
    const first = last - REALTIME_WINDOW_MINUTES + 1;
    const current = new Set<number>();
    for (let minute = last - CURRENT_VISITORS_MINUTES + 1; minute <= last; minute++) for (const v of this.minutes.get(minute)?.visitors ?? []) current.add(v);
    const minutes = [];
    for (let minute = first; minute <= last; minute++) {
      const b = this.minutes.get(minute);
      minutes.push({ minute, pageviews: b?.pageviews ?? 0, events: b?.events ?? 0, visitors: b?.visitors.size ?? 0 });
    }
    return { currentVisitors: current.size, minutes };
  }

  /** An erasure: the visitor's events and minute presence. Returns how many entries went. */
  forgetVisitor(visitorId: number): number {
    const before = this.bySeq.length;
    this.bySeq = this.bySeq.filter((e) => e.visitorId !== visitorId);
    this.byAt = this.byAt.filter((e) => e.visitorId !== visitorId);
    let removed = before - this.bySeq.length;
    for (const bucket of this.minutes.values()) if (bucket.visitors.delete(visitorId)) removed += 1;
    // rare: rebuild the sliding tallies from what is left
    this.sliding = new Tallies();
    this.belowHorizon = 0;
    for (const e of this.byAt) {
      if (e.at > this.horizon) this.sliding.add(e, 1);
      else this.belowHorizon += 1;
    }
    return removed;
  }

  /** Moves the sliding edge forward to `since`, taking out what arrived up to it. */
  private slide(since: number): void {
    if (since <= this.horizon) return;
    let i = this.belowHorizon;
    while (i < this.byAt.length && this.byAt[i]!.at <= since) this.sliding.add(this.byAt[i++]!, -1);
    this.belowHorizon = i;
    this.horizon = since;
  }
}
