/**
 * In-order funnel matching over a visitor's step events (pure, so the raw planner and the tests
 * share it). An event carries a bitmask of the steps it matches; other events may come in
 * between. An attempt starts at an event matching step 1 and takes, greedily, the first later
 * event matching the next step: the earliest match of each step reaches at least as far as any
 * other choice. One event advances one step.
 *
 * - `session` window: each session is its own attempt from its first step-1 event.
 * - `24h` / `7d`: an identified visitor's events across sessions, every step-1 event a start and
 *   the next steps within the window of it; the best attempt counts. Anonymous visitors (a daily
 *   salted id) cannot be followed across sessions, so theirs stay session attempts.
 *
 * A visitor reached step k if an attempt did; the time into step k is that of the visitor's best
 * attempt (furthest, then earliest).
 */
export interface StepEvent {
  /** visitor id and whether it is identified (uid / consented id) */
  visitor: number;
  identified: boolean;
  session: string;
  ts: number;
  /** bit k set: the event matches step k + 1 */
  mask: number;
}

interface Attempt {
  /** timestamps of steps 1..level */
  times: number[];
}

export interface StepResult {
  visitors: number;
  /** seconds from the previous step, one per visitor who reached this step (none for step 1) */
  seconds: number[];
}

/** Greedy in-order match of `events` (sorted by time) starting at index `start`, until `deadline`. */
function attemptFrom(events: StepEvent[], start: number, steps: number, deadline: number): Attempt {
  const times = [events[start]!.ts];
  for (let j = start + 1; j < events.length && times.length < steps; j++) {
    const e = events[j]!;
    if (e.ts > deadline) break;
    if (e.mask & (1 << times.length)) times.push(e.ts);
  }
  return { times };
}

function better(a: Attempt | null, b: Attempt): Attempt {
  if (!a || b.times.length > a.times.length) return b;
  return a;
}

/** The visitor's best attempt, or null when none of their events matches step 1. */
export function bestAttempt(events: StepEvent[], steps: number, windowMs: number | null): Attempt | null {
  let best: Attempt | null = null;
  if (windowMs !== null && events[0]?.identified) {
    for (let i = 0; i < events.length; i++) {
      if (events[i]!.mask & 1) best = better(best, attemptFrom(events, i, steps, events[i]!.ts + windowMs));
      if (best?.times.length === steps) break;
    }
    return best;
  }
  // per session: the first step-1 event of each session starts its attempt
  const sessions = new Map<string, StepEvent[]>();
  for (const e of events) {
    let list = sessions.get(e.session);
    if (!list) sessions.set(e.session, (list = []));
    list.push(e);
  }
  for (const own of sessions.values()) {
    const start = own.findIndex((e) => e.mask & 1);
    if (start < 0) continue;
    best = better(best, attemptFrom(own, start, steps, Infinity));
    if (best.times.length === steps) break;
  }
  return best;
}

/**
 * Per step, visitors who reached it and their times from the previous step. `events` are sorted
 * by visitor (identified and anonymous ids apart) and then time.
 */
export function matchFunnel(events: StepEvent[], steps: number, windowMs: number | null): StepResult[] {
  const out: StepResult[] = Array.from({ length: steps }, () => ({ visitors: 0, seconds: [] }));
  let i = 0;
  while (i < events.length) {
    let j = i;
    const first = events[i]!;
    while (j < events.length && events[j]!.visitor === first.visitor && events[j]!.identified === first.identified) j++;
    const attempt = bestAttempt(events.slice(i, j), steps, windowMs);
    attempt?.times.forEach((t, k) => {
      out[k]!.visitors++;
      if (k > 0) out[k]!.seconds.push((t - attempt.times[k - 1]!) / 1000);
    });
    i = j;
  }
  return out;
}

/** The median of a list of seconds, rounded to whole seconds; null when empty. */
export function medianSeconds(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const m = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(m);
}
