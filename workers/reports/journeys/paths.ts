/**
 * Journeys from sessions' page sequences (pure): consecutive repeats collapsed (a reload or an
 * in-page navigation is not a step), cut at the first view of the start page when one is
 * given, `(exit)` where the session ends, at most `steps` positions. Paths are counted by
 * sessions and distinct visitors; transitions (for a Sankey) by sessions, per position.
 */
import { dayStart, eachDay, localDay } from '../../lib/timezone';
import type { JourneyPath as PathRow, JourneyTransition as TransitionRow } from '../../../contract/reports';

export const EXIT = '(exit)';

export interface SessionPages {
  session: string;
  /**
   * `i:<id>`, or `a:<local day>:<id>` for an anonymous id (daily salts: a range counts the sum of
   * daily uniques, DESIGN §5; the day of the session's first pageview)
   */
  visitor: string;
  /** pathnames of the session's pageviews in time order */
  pages: string[];
  /** the local day of its first pageview */
  day: string;
}

export type { JourneyPath as PathRow, JourneyTransition as TransitionRow } from '../../../contract/reports';

/** A session's journey, or null when it never viewed `start`. */
export function journeyOf(pages: string[], start: string | null, steps: number): string[] | null {
  const collapsed = pages.filter((p, i) => i === 0 || p !== pages[i - 1]);
  const from = start === null ? 0 : collapsed.indexOf(start);
  if (from < 0 || collapsed.length === 0) return null;
  return [...collapsed.slice(from), EXIT].slice(0, steps);
}

export interface Journeys {
  paths: PathRow[];
  transitions: TransitionRow[];
  sessions: number;
}

/**
 * Most sessions first, then by code units (not the locale: paths sort the same everywhere). The
 * keys are built once per row, not per comparison: a range can hold 100k distinct paths.
 */
export function byCount<T extends { sessions: number }>(rows: T[], key: (x: T) => string): T[] {
  const keyed = rows.map((row) => ({ row, key: key(row) }));
  keyed.sort((a, b) => b.row.sessions - a.row.sessions || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.row);
}

export function countJourneys(sessions: SessionPages[], start: string | null, steps: number, limit: number, maxTransitionsPerStep: number): Journeys {
  const paths = new Map<string, { pages: string[]; sessions: number; visitors: Set<string> }>();
  const transitions = new Map<string, TransitionRow>();
  let counted = 0;
  for (const s of sessions) {
    const journey = journeyOf(s.pages, start, steps);
    if (!journey) continue;
    counted++;
    const key = JSON.stringify(journey);
    let row = paths.get(key);
    if (!row) paths.set(key, (row = { pages: journey, sessions: 0, visitors: new Set() }));
    row.sessions++;
    row.visitors.add(s.visitor);
    for (let i = 1; i < journey.length; i++) {
      const tkey = JSON.stringify([i, journey[i - 1], journey[i]]);
      let t = transitions.get(tkey);
      if (!t) transitions.set(tkey, (t = { step: i, from: journey[i - 1]!, to: journey[i]!, sessions: 0 }));
      t.sessions++;
    }
  }
  const pathRows = byCount([...paths.values()].map((p) => ({ pages: p.pages, sessions: p.sessions, visitors: p.visitors.size })), (p) => p.pages.join('\u0000'))
    .slice(0, limit);
  const perStep = new Map<number, TransitionRow[]>();
  for (const t of transitions.values()) {
    let list = perStep.get(t.step);
    if (!list) perStep.set(t.step, (list = []));
    list.push(t);
  }
  const transitionRows = [...perStep.keys()].sort((a, b) => a - b)
    .flatMap((step) => byCount(perStep.get(step)!, (t) => `${t.from}\u0000${t.to}`).slice(0, maxTransitionsPerStep));
  return { paths: pathRows, transitions: transitionRows, sessions: counted };
}

/** A pageview row as the readers select it, ordered by session, then time. */
export interface PageviewRow {
  s: string;
  v: number;
  i: number;
  page: string;
  t: number;
}

/**
 * Pageview rows (ordered by session, time, id) grouped into sessions, keeping those whose first
 * pageview read is in [from, to): the raw plan and the pre-aggregate's day recompute alike.
 */
export function sessionsOf(rows: readonly PageviewRow[], from: number, to: number, tz: string): SessionPages[] {
  // the local days' starts, once: a zone lookup per session (Intl) costs seconds at 200k sessions
  const days = eachDay(localDay(from, tz), localDay(Math.max(from, to - 1), tz));
  const starts = days.map((d) => dayStart(d, tz));
  const dayOf = (t: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= t) lo = mid;
      else hi = mid - 1;
    }
    return days[lo]!;
  };
  const sessions: SessionPages[] = [];
  let firstTs = 0;
  for (const r of rows) {
    const last = sessions.at(-1);
    if (last?.session === r.s) {
      last.pages.push(r.page);
      continue;
    }
    if (last && (firstTs < from || firstTs >= to)) sessions.pop();
    // (a session outside [from, to) is dropped below: its day does not matter)
    const day = dayOf(r.t);
    sessions.push({ session: r.s, visitor: r.i ? `i:${r.v}` : `a:${day}:${r.v}`, pages: [r.page], day });
    firstTs = r.t;
  }
  if (sessions.length && (firstTs < from || firstTs >= to)) sessions.pop();
  return sessions;
}
