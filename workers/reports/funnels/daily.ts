/**
 * The session-window funnel as per-day contributions (pure: the raw plan, the refresh's writer
 * and the pre-aggregated reader all go through it, which is what makes the two plans equal).
 *
 * The day rule: a session makes an attempt on each site-local day it has a step-1 event on,
 * from its first step-1 event of that day, taking the session's later events (the next day's
 * too) up to ATTEMPT_SPAN_MS after that event. A visitor-day's attempt is the best of its
 * sessions' attempts that day (furthest, then earliest). A day's contribution depends only on
 * its own step-1 events and what follows them, never on what came before midnight, so a day can
 * be counted from that day's events on, and the raw plan of a range reads its events from the
 * range's start (plus a day past its end for attempts running over midnight).
 *
 * Over a range: anonymous visitors are added up day by day (their ids are daily, DESIGN §5, so
 * an anonymous session never crosses local midnight); an identified visitor counts once, with the
 * attempt of their best day (furthest, then earliest).
 */
import type { StepEvent } from './match';

/** An attempt ends this long after its step-1 event (a session rarely lasts an hour). */
export const ATTEMPT_SPAN_MS = 86_400_000;

/** Histogram of seconds: bucket 0 holds [0, 1) s, bucket k ≥ 1 holds [1.05^(k−1), 1.05^k) s. */
export const SECONDS_RATIO = 1.05;
/** A median from buckets is within this share of the exact one (then rounded to whole seconds). */
export const MEDIAN_ERROR_BOUND = Math.round((Math.sqrt(SECONDS_RATIO) - 1) * 1000) / 1000;

export function secondsBucket(seconds: number): number {
  return seconds < 1 ? 0 : 1 + Math.floor(Math.log(seconds) / Math.log(SECONDS_RATIO));
}

/** The value a bucket stands for: its geometric midpoint (bucket 0: 0). */
export function bucketSeconds(bucket: number): number {
  return bucket <= 0 ? 0 : SECONDS_RATIO ** (bucket - 0.5);
}

export interface VisitorDay {
  visitor: number;
  identified: boolean;
  day: string;
  /** times (ms) of steps 1..level of the visitor's best attempt that day */
  times: number[];
}

/** Greedy in-order attempt over one session's events (by time) from index `start`. */
function attemptTimes(events: StepEvent[], start: number, steps: number): number[] {
  const times = [events[start]!.ts];
  const deadline = events[start]!.ts + ATTEMPT_SPAN_MS;
  for (let j = start + 1; j < events.length && times.length < steps; j++) {
    const e = events[j]!;
    if (e.ts >= deadline) break;
    if (e.mask & (1 << times.length)) times.push(e.ts);
  }
  return times;
}

const better = (a: number[] | undefined, b: number[]) => !a || b.length > a.length || (b.length === a.length && b[0]! < a[0]!);

/**
 * Each visitor's best attempt per local day. `events` are sorted by identified, visitor, time
 * (and id); `dayOf` gives an event's local day; `keep` chooses the days counted (a range, or the
 * days a refresh writes).
 */
export function visitorDays(events: StepEvent[], steps: number, dayOf: (ts: number) => string, keep: (day: string) => boolean): VisitorDay[] {
  const out: VisitorDay[] = [];
  let i = 0;
  while (i < events.length) {
    const first = events[i]!;
    let j = i;
    while (j < events.length && events[j]!.visitor === first.visitor && events[j]!.identified === first.identified) j++;
    const sessions = new Map<string, StepEvent[]>();
    for (let k = i; k < j; k++) {
      const e = events[k]!;
      const list = sessions.get(e.session);
      if (list) list.push(e);
      else sessions.set(e.session, [e]);
    }
    const best = new Map<string, number[]>();
    for (const own of sessions.values()) {
      const started = new Set<string>();
      own.forEach((e, idx) => {
        if (!(e.mask & 1)) return;
        const day = dayOf(e.ts);
        if (started.has(day) || !keep(day)) return;
        started.add(day);
        const times = attemptTimes(own, idx, steps);
        if (better(best.get(day), times)) best.set(day, times);
      });
    }
    for (const [day, times] of best) out.push({ visitor: first.visitor, identified: first.identified, day, times });
    i = j;
  }
  return out;
}

/** Per step: visitors who reached it and their times from the previous step (exact, in seconds). */
export interface StepTotals {
  visitors: number;
  seconds: number[];
}

/** Identified visitors' best day: furthest, then earliest (days sort as text). */
function bestDays(days: VisitorDay[]): VisitorDay[] {
  const out: VisitorDay[] = [];
  const ident = new Map<number, VisitorDay>();
  for (const d of days) {
    if (!d.identified) {
      out.push(d);
      continue;
    }
    const had = ident.get(d.visitor);
    if (!had || d.times.length > had.times.length || (d.times.length === had.times.length && d.day < had.day)) ident.set(d.visitor, d);
  }
  return [...out, ...ident.values()];
}

/** The raw plan's totals over a range's visitor-days. */
export function totalsOf(days: VisitorDay[], steps: number): StepTotals[] {
  const out: StepTotals[] = Array.from({ length: steps }, () => ({ visitors: 0, seconds: [] }));
  for (const d of bestDays(days)) {
    d.times.forEach((t, k) => {
      out[k]!.visitors++;
      if (k > 0) out[k]!.seconds.push((t - d.times[k - 1]!) / 1000);
    });
  }
  return out;
}

/** One `funnel_daily` row's content: anonymous count, their buckets, identified ids → bucket. */
export interface DayStepRow {
  visitors: number;
  hist: Map<number, number>;
  ids: Map<number, number>;
}

/** The rows (key `day|step`, step 1-based) a set of visitor-days writes. */
export function rowsOf(days: VisitorDay[]): Map<string, DayStepRow> {
  const rows = new Map<string, DayStepRow>();
  for (const d of days) {
    d.times.forEach((t, k) => {
      const key = `${d.day}|${k + 1}`;
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { visitors: 0, hist: new Map(), ids: new Map() }));
      const bucket = k === 0 ? 0 : secondsBucket((t - d.times[k - 1]!) / 1000);
      if (d.identified) {
        row.ids.set(d.visitor, bucket);
      } else {
        row.visitors++;
        if (k > 0) row.hist.set(bucket, (row.hist.get(bucket) ?? 0) + 1);
      }
    });
  }
  return rows;
}

/** The median of a histogram (index = bucket), by the same rule as medianSeconds; null when empty. */
export function medianFromBuckets(hist: Map<number, number>): number | null {
  let n = 0;
  for (const c of hist.values()) n += c;
  if (n === 0) return null;
  const sorted = [...hist.entries()].filter(([, c]) => c > 0).sort((a, b) => a[0] - b[0]);
  const at = (rank: number) => {
    let seen = 0;
    for (const [b, c] of sorted) {
      seen += c;
      if (seen >= rank) return bucketSeconds(b);
    }
    return 0;
  };
  const m = n % 2 ? at((n + 1) / 2) : (at(n / 2) + at(n / 2 + 1)) / 2;
  return Math.round(m);
}
